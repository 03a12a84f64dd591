/**
 * The request bodies of `POST /v1/onboard` and `POST /v1/offboard` (docs/product.md): strict zod schemas
 * (unknown fields are rejected so typos surface) that normalise what they accept (trimmed names,
 * lower-case email, ids as strings) and apply defaults, producing the domain's OnboardRequest and
 * OffboardRequest. Cross-field rules (one office, one number source) are reported at a field path
 * alongside every other bad field, so a client fixes everything in one round trip.
 */
import * as z from "zod";
import { E164_NUMBER, LICENSES } from "../dialpad/schemas";
import { callbackUrlProblem } from "../notify/callback-address";
import type {
  ImportRequest,
  NumberHandoff,
  OffboardRequest,
  OnboardRequest,
  Ticket,
  UpdateRequest,
} from "./model";

const DIGITS = /^\d{1,20}$/;
const AREA_CODE = /^\d{3}$/;
const EXTENSION = /^\d{1,10}$/;
/** A language subtag with optional region/script subtags: `en`, `en-US`, `zh-Hant-TW`. */
const LANGUAGE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/;
/** Zone names only: Intl also accepts offsets (`+01:00`), which are not IANA zones. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

export const MAX_CALL_CENTERS = 50;
export const MAX_RETENTION_DAYS = 3650;

/**
 * A Dialpad id: a digit string, or a JSON number that is a safe integer (larger numbers have
 * already lost digits in JSON.parse, so they are refused rather than silently changed).
 */
export const dialpadIdInput = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value === "string" && DIGITS.test(value)) return value;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
    ctx.addIssue({ code: "custom", message: "Expected an id: a string of digits (or a safe integer)." });
    return z.NEVER;
  })
  // What the transform accepts, for the OpenAPI document (a transform has no JSON Schema of its own).
  .meta({
    description: "A Dialpad id: a string of digits (or a safe integer).",
    anyOf: [
      { type: "string", pattern: DIGITS.source },
      { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    ],
  });

/** Canonical spelling of every zone this runtime knows, looked up case-insensitively. */
let canonicalZones: Map<string, string> | undefined;
function canonicalZone(name: string): string {
  canonicalZones ??= new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));
  return canonicalZones.get(name.toLowerCase()) ?? name;
}
function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    // Accepts links and aliases (UTC, Asia/Kolkata, US/Eastern) that supportedValuesOf leaves out.
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .trim()
  .refine(isTimeZone, "Expected an IANA time zone such as America/New_York.")
  .transform(canonicalZone);

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Expected an email address.").max(254, "An email address has at most 254 characters."));

const personName = z.string().trim().min(1, "Must not be empty.").max(100, "At most 100 characters.");

export const ticket = z.strictObject({
  system: z.string().trim().min(1, "Must not be empty.").max(64, "At most 64 characters."),
  // Some ticketing systems (Zendesk) number their tickets: accept the number, keep a string.
  id: z
    .union([z.string(), z.int().nonnegative()], {
      error: (issue) => (issue.input === undefined ? "Required." : "Expected a string (or a whole number)."),
    })
    .transform(String)
    .pipe(z.string().trim().min(1, "Must not be empty.").max(128, "At most 128 characters.")),
  url: z
    .url({ protocol: /^https?$/, error: "Expected an http(s) URL." })
    .max(2048)
    .optional(),
});

/**
 * Where the finished job is POSTed: https, no credentials, never an IP literal in a private,
 * link-local, reserved or metadata range (http only to loopback, for local mode). The host's DNS
 * answers are checked again at every send (shared/notify/callback-sender.ts).
 */
export const callbackUrl = z
  .url({ protocol: /^https?$/, error: "Expected an https URL." })
  .max(2048, "At most 2048 characters.")
  .superRefine((text, ctx) => {
    const problem = callbackUrlProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** True for a JSON object, the only value the cross-field rules can be checked on. */
const isObjectPayload = (payload: { value: unknown }) =>
  typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value);

export const onboardRequest = z
  .strictObject({
    email,
    first_name: personName,
    last_name: personName,
    office_id: dialpadIdInput.optional(),
    office_name: z
      .string()
      .trim()
      .min(1, "Must not be empty.")
      .max(200, "At most 200 characters.")
      .optional(),
    license: z.enum(LICENSES).default("talk"),
    phone_number: z
      .string()
      .trim()
      .regex(E164_NUMBER, "Expected an E.164 number such as +14155550123.")
      .optional(),
    area_code: z.string().trim().regex(AREA_CODE, "Expected a 3-digit area code.").optional(),
    extension: z.string().trim().regex(EXTENSION, "Expected 1 to 10 digits.").optional(),
    timezone: timeZone.optional(),
    language: z.string().trim().regex(LANGUAGE, "Expected a language code such as en or en-US.").optional(),
    admin_type: z.enum(["none", "office", "company"]).default("none"),
    call_center_ids: z
      .array(dialpadIdInput)
      .max(MAX_CALL_CENTERS, `At most ${MAX_CALL_CENTERS} call centers.`)
      .default([]),
    ticket: ticket.optional(),
    rehire: z.boolean("Expected true or false.").optional(),
    callback_url: callbackUrl.optional(),
  })
  .superRefine(
    (body, ctx) => {
      const hasOfficeId = body.office_id !== undefined;
      const hasOfficeName = body.office_name !== undefined;
      if (hasOfficeId && hasOfficeName) {
        ctx.addIssue({
          code: "custom",
          path: ["office_name"],
          message: "Give office_id or office_name, not both.",
        });
      } else if (!hasOfficeId && !hasOfficeName) {
        ctx.addIssue({ code: "custom", path: ["office_id"], message: "Required: office_id or office_name." });
      }
      if (body.phone_number !== undefined && body.area_code !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["area_code"],
          message: "Give phone_number or area_code, not both.",
        });
      }
      const ids = Array.isArray(body.call_center_ids) ? body.call_center_ids : [];
      ids.forEach((id, index) => {
        if (ids.indexOf(id) !== index) {
          ctx.addIssue({
            code: "custom",
            path: ["call_center_ids", index],
            message: "Duplicate call center id.",
          });
        }
      });
    },
    // Run even when single fields failed, so every problem is reported at once.
    { when: isObjectPayload },
  );

/** `{"to": "keep"|"release"}`, `{"to": "user", "email", "otherwise"?: "keep"}` or `{"to": "department"|"call_center"|"office", "id"}`. */
export const numberHandoff = z.discriminatedUnion(
  "to",
  [
    z.strictObject({ to: z.literal("keep") }),
    z.strictObject({ to: z.literal("release") }),
    z.strictObject({ to: z.literal("user"), email, otherwise: z.literal("keep").optional() }),
    z.strictObject({ to: z.enum(["department", "call_center", "office"]), id: dialpadIdInput }),
  ],
  { error: 'Expected "to": keep, release, user (with email), department, call_center or office (with id).' },
);

export const offboardRequest = z
  .strictObject({
    email: email.optional(),
    user_id: dialpadIdInput.optional(),
    retention_days: z
      .int("Expected a whole number of days.")
      .min(0, "Must be 0 or more.")
      .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days.`)
      .optional(),
    number_handoff: numberHandoff.optional(),
    ticket: ticket.optional(),
    callback_url: callbackUrl.optional(),
  })
  .superRefine(
    (body, ctx) => {
      if (body.email === undefined && body.user_id === undefined) {
        ctx.addIssue({ code: "custom", path: ["email"], message: "Required: email or user_id." });
      }
    },
    { when: isObjectPayload },
  );

const officeName = z.string().trim().min(1, "Must not be empty.").max(200, "At most 200 characters.");

/** Fields `POST /v1/update` may change; at least one must be given. */
const UPDATABLE = [
  "first_name",
  "last_name",
  "office_id",
  "office_name",
  "license",
  "extension",
  "area_code",
  "admin_type",
  "call_center_ids",
  "new_email",
] as const;

export const updateRequest = z
  .strictObject({
    email,
    first_name: personName.optional(),
    last_name: personName.optional(),
    office_id: dialpadIdInput.optional(),
    office_name: officeName.optional(),
    license: z.enum(LICENSES).optional(),
    extension: z.string().trim().regex(EXTENSION, "Expected 1 to 10 digits.").optional(),
    area_code: z.string().trim().regex(AREA_CODE, "Expected a 3-digit area code.").optional(),
    admin_type: z.enum(["none", "office", "company"]).optional(),
    call_center_ids: z
      .array(dialpadIdInput)
      .max(MAX_CALL_CENTERS, `At most ${MAX_CALL_CENTERS} call centers.`)
      .optional(),
    new_email: email.optional(),
    ticket: ticket.optional(),
    callback_url: callbackUrl.optional(),
  })
  .superRefine(
    (body, ctx) => {
      if (body.office_id !== undefined && body.office_name !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["office_name"],
          message: "Give office_id or office_name, not both.",
        });
      if (!UPDATABLE.some((field) => body[field] !== undefined))
        ctx.addIssue({
          code: "custom",
          path: [],
          message: `Nothing to change: give at least one of ${UPDATABLE.join(", ")}.`,
        });
      if (body.new_email !== undefined && body.new_email === body.email)
        ctx.addIssue({ code: "custom", path: ["new_email"], message: "Must differ from email." });
      const ids = Array.isArray(body.call_center_ids) ? body.call_center_ids : [];
      ids.forEach((id, index) => {
        if (ids.indexOf(id) !== index)
          ctx.addIssue({
            code: "custom",
            path: ["call_center_ids", index],
            message: "Duplicate call center id.",
          });
      });
    },
    { when: isObjectPayload },
  );

export const importRequest = z.strictObject({ ticket: ticket.optional() });

export type OnboardRequestInput = z.input<typeof onboardRequest>;
export type OffboardRequestInput = z.input<typeof offboardRequest>;

// The schemas produce exactly the domain types: a change on either side fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameOnboard: Same<z.output<typeof onboardRequest>, OnboardRequest> = true;
const sameOffboard: Same<z.output<typeof offboardRequest>, OffboardRequest> = true;
const sameTicket: Same<z.output<typeof ticket>, Ticket> = true;
const sameHandoff: Same<z.output<typeof numberHandoff>, NumberHandoff> = true;
const sameUpdate: Same<z.output<typeof updateRequest>, UpdateRequest> = true;
const sameImport: Same<z.output<typeof importRequest>, ImportRequest> = true;
void [sameOnboard, sameOffboard, sameTicket, sameHandoff, sameUpdate, sameImport];
