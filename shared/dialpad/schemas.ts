/**
 * Zod schemas of the Dialpad Admin API v2 payloads we use (see test/contract/spec/openapi.json).
 * Wire rules: int64 ids travel as JSON strings (some exceed 2^53), so ids are always strings here.
 * Null is absent: Dialpad usually omits unset fields, but the spec marks nearly every field
 * `nullable`, so every response object drops its `null` fields (its unknown ones included) before
 * it is checked, and every response field is optional. Only `id` is required where we act on it.
 */
import * as z from "zod";

/** A copy of a JSON value without its `null` object fields, at every depth. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== null)
      .map(([key, field]) => [key, withoutNulls(field)]),
  );
}

/** A response object of the spec: unknown fields kept, `null` fields read as absent. */
const dialpadObject = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.preprocess(withoutNulls, z.looseObject(shape));

/** An int64 id: accepted as string or number on input, always a string in our code. */
/** A phone number in E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
export const E164_NUMBER = /^\+[1-9]\d{6,14}$/;

export const dialpadId = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform(String);
/** Counts such as available licences are int64 too, so they may arrive as strings. */
const int64Count = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(Number);

export const LICENSES = [
  "admins",
  "agents",
  "dpde_all",
  "dpde_one",
  "lite_lines",
  "lite_support_agents",
  "magenta_lines",
  "talk",
] as const;
export const license = z.enum(LICENSES);
export type License = z.infer<typeof license>;

export const USER_STATES = ["active", "cancelled", "deleted", "pending", "suspended"] as const;
export type DialpadUserState = (typeof USER_STATES)[number];
/**
 * Which users a look-up means: one state, `all` (deleted ones included) or, when absent, every user
 * that is not deleted. Always sent as `state` and checked again in code, never left to Dialpad's
 * undocumented default.
 */
export type UserStateFilter = DialpadUserState | "all";

/** `target_type` of `POST /numbers/{number}/assign` (the spec's enum). */
export const NUMBER_TARGET_TYPES = [
  "callcenter",
  "callrouter",
  "channel",
  "coachinggroup",
  "coachingteam",
  "department",
  "office",
  "room",
  "staffgroup",
  "unknown",
  "user",
] as const;
export type NumberTargetType = (typeof NUMBER_TARGET_TYPES)[number];

export const groupDetails = dialpadObject({
  group_id: dialpadId.optional(),
  group_type: z.string().optional(),
  role: z.string().optional(),
  do_not_disturb: z.boolean().optional(),
});

export const dialpadUser = dialpadObject({
  id: dialpadId,
  company_id: dialpadId.optional(),
  office_id: dialpadId.optional(),
  emails: z.array(z.string()).optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  display_name: z.string().optional(),
  state: z.enum(USER_STATES).optional(),
  license: z.string().optional(),
  extension: z.string().optional(),
  phone_numbers: z.array(z.string()).optional(),
  admin_office_ids: z.array(dialpadId).optional(),
  is_super_admin: z.boolean().optional(),
  is_admin: z.boolean().optional(),
  timezone: z.string().optional(),
  language: z.string().optional(),
  job_title: z.string().optional(),
  group_details: z.array(groupDetails).optional(),
  date_added: z.string().optional(),
});
export type DialpadUser = z.infer<typeof dialpadUser>;

export const office = dialpadObject({
  id: dialpadId,
  office_id: dialpadId.optional(),
  name: z.string().optional(),
  country: z.string().optional(),
  timezone: z.string().optional(),
  state: z.string().optional(),
  is_primary_office: z.boolean().optional(),
  phone_numbers: z.array(z.string()).optional(),
});
export type Office = z.infer<typeof office>;

export const availableLicenses = dialpadObject({
  talk_lines: int64Count.optional(),
  sell_lines: int64Count.optional(),
  contact_center_lines: int64Count.optional(),
  additional_number_lines: int64Count.optional(),
  fax_lines: int64Count.optional(),
  room_lines: int64Count.optional(),
  uberconference_lines: int64Count.optional(),
});
export type AvailableLicenses = z.infer<typeof availableLicenses>;

export const callCenter = dialpadObject({
  id: dialpadId,
  name: z.string().optional(),
  office_id: dialpadId.optional(),
  state: z.string().optional(),
  phone_numbers: z.array(z.string()).optional(),
});
export type CallCenter = z.infer<typeof callCenter>;

/** `DepartmentProto`: a department (main line, menu) of an office; it can hold numbers. */
export const department = dialpadObject({
  id: dialpadId,
  name: z.string().optional(),
  office_id: dialpadId.optional(),
  state: z.string().optional(),
  phone_numbers: z.array(z.string()).optional(),
});
export type Department = z.infer<typeof department>;

/** `GET /callcenters/{id}/operators` answers `{users, rooms}`, not paginated. */
export const operators = dialpadObject({
  users: z.array(dialpadUser).optional(),
  rooms: z.array(dialpadObject({ id: dialpadId.optional() })).optional(),
});
export type Operators = z.infer<typeof operators>;

/**
 * What assign_number and unassign_number answer (`NumberProto` in the spec): the number and where
 * it now belongs, not the user.
 */
export const numberAssignment = dialpadObject({
  number: z.string().optional(),
  status: z.string().optional(),
  target_id: dialpadId.optional(),
  target_type: z.string().optional(),
  office_id: dialpadId.optional(),
  area_code: z.string().optional(),
  type: z.string().optional(),
});
export type NumberAssignment = z.infer<typeof numberAssignment>;

/** What add/remove operator answer: the user (or room) concerned, `UserOrRoomProto` in the spec. */
export const operatorEntry = dialpadObject({
  id: dialpadId.optional(),
  name: z.string().optional(),
  office_id: dialpadId.optional(),
  state: z.string().optional(),
  is_on_duty: z.boolean().optional(),
});
export type OperatorEntry = z.infer<typeof operatorEntry>;

/** The signature echoes the secret: never log a webhook response. */
export const webhook = dialpadObject({ id: dialpadId, hook_url: z.string().optional() });
export type Webhook = z.infer<typeof webhook>;
export const changelogSubscription = dialpadObject({
  id: dialpadId.optional(),
  enabled: z.boolean().optional(),
});
export type ChangelogSubscription = z.infer<typeof changelogSubscription>;

/** `{items?, cursor?}`: the last page may have no `items` key and an absent or empty cursor. */
export const page = <T extends z.ZodType>(item: T) =>
  dialpadObject({ items: z.array(item).optional(), cursor: z.string().optional() });

// Requests (what we send). Ids go out as strings, as Dialpad's own examples do.
export interface CreateUserRequest {
  email: string;
  office_id: string;
  first_name?: string;
  last_name?: string;
  license?: License;
  auto_assign?: boolean;
}

export interface UpdateUserRequest {
  state?: "active" | "suspended";
  first_name?: string;
  last_name?: string;
  extension?: string;
  license?: License;
  office_id?: string;
  emails?: string[];
  phone_numbers?: string[];
  admin_office_ids?: string[];
  is_super_admin?: boolean;
  job_title?: string;
  forwarding_numbers?: string[];
  keep_paid_numbers?: boolean;
}

/** `POST /numbers/{number}/assign`: who gets the number. */
export interface AssignNumberToTargetRequest {
  target_id: string;
  target_type: NumberTargetType;
  primary?: boolean;
}

export interface AssignNumberRequest {
  number?: string;
  area_code?: string;
  primary?: boolean;
}

export interface AddOperatorRequest {
  user_id: string;
  role?: "admin" | "operator" | "supervisor";
  skill_level?: number;
  license_type?: "agents" | "lite_support_agents";
  keep_paid_numbers?: boolean;
}
