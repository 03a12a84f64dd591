/**
 * How the sandbox's state looks on the wire: the spec's UserProto, NumberProto, OfficeProto,
 * CallCenterProto, DepartmentProto, UserOrRoomProto, WebhookProto and
 * ChangeLogEventSubscriptionProto. Ids are strings. Unset or empty fields are `undefined` here:
 * JSON leaves them out (Dialpad's documented habit), and in null mode the serializer writes them as
 * `null` (which the spec allows for every field), so each proto lists every spec field, even the
 * ones the sandbox does not model.
 */
import type { DialpadState } from "./dialpad-state";
import type {
  CallCenter,
  ChangeLogSubscription,
  Department,
  Office,
  PhoneNumber,
  Seats,
  User,
  Webhook,
} from "./model";

type Json = Record<string, unknown>;

/** Empty repeated fields count as unset, as Dialpad omits them. */
function unsetWhenEmpty(fields: Json): Json {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      Array.isArray(value) && value.length === 0 ? undefined : value,
    ]),
  );
}

/** Spec fields the sandbox does not model: always unset (omitted, or null in null mode). */
const unmodelled = (...names: string[]): Json => Object.fromEntries(names.map((name) => [name, undefined]));

const USER_UNMODELLED = unmodelled(
  "date_active",
  "date_first_login",
  "do_not_disturb",
  "duty_status_reason",
  "duty_status_started",
  "image_url",
  "is_available",
  "is_on_duty",
  "is_online",
  "location",
  "muted",
  "on_duty_started",
  "on_duty_status",
  "status_message",
);
const WEEK_HOURS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map(
  (day) => `${day}_hours`,
);
const GROUP_UNMODELLED = unmodelled(
  "availability_status",
  "first_action",
  "no_operators_action",
  "ring_seconds",
  "routing_options",
  ...WEEK_HOURS,
);
const OFFICE_UNMODELLED = unmodelled("e911_address", "office_settings");
const CALL_GROUP_UNMODELLED = unmodelled("group_description", "hold_queue", "hours_on", "voice_intelligence");

const displayName = (user: User) => {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return user.state === "deleted" && name ? `${name} (deactivated)` : name || undefined;
};

export function userToWire(user: User, state: DialpadState): Json {
  const office = state.office(user.officeId);
  const live = user.state !== "deleted";
  return unsetWhenEmpty({
    id: user.id,
    company_id: state.companyId,
    office_id: user.officeId,
    emails: live ? user.emails : undefined,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: displayName(user),
    state: user.state,
    license: user.license,
    extension: user.extension,
    phone_numbers: live ? user.phoneNumbers : undefined,
    forwarding_numbers: user.forwardingNumbers,
    admin_office_ids: user.adminOfficeIds,
    is_admin: user.adminOfficeIds.length > 0 || user.isSuperAdmin,
    is_super_admin: user.isSuperAdmin,
    job_title: user.jobTitle,
    international_dialing_enabled: user.internationalDialingEnabled,
    country: office.country,
    timezone: office.timezone,
    language: "en",
    date_added: user.dateAdded,
    group_details: [
      ...state.memberships(user.id).map((m) => ({
        group_id: m.callCenterId,
        group_type: "callcenter",
        role: m.role,
        do_not_disturb: undefined,
      })),
      ...state.departmentMemberships(user.id).map((m) => ({
        group_id: m.departmentId,
        group_type: "department",
        role: m.role,
        do_not_disturb: undefined,
      })),
    ],
    ...USER_UNMODELLED,
  });
}

/** `UserOrRoomProto`: what adding or removing an operator answers. */
export function operatorToWire(user: User, state: DialpadState): Json {
  return unsetWhenEmpty({
    id: user.id,
    company_id: state.companyId,
    office_id: user.officeId,
    name: displayName(user),
    country: state.office(user.officeId).country,
    phone_numbers: user.state === "deleted" ? undefined : user.phoneNumbers,
    state: user.state,
    is_on_duty: false,
    image_url: undefined,
  });
}

/** `NumberProto.target_type` for each holder (`status` spells call centers `call_center`). */
const TARGET_TYPE = { user: "user", department: "department", call_center: "callcenter", office: "office" };

export function numberToWire(number: PhoneNumber, state: DialpadState): Json {
  const holding = number.status !== "available" && number.targetId !== undefined;
  return unsetWhenEmpty({
    number: number.number,
    area_code: number.areaCode,
    company_id: state.companyId,
    office_id: holding ? holderOfficeId(number, state) : undefined,
    status: number.status,
    target_id: holding ? number.targetId : undefined,
    target_type: holding && number.status !== "available" ? TARGET_TYPE[number.status] : undefined,
    type: "local",
    deleted: undefined,
  });
}

function holderOfficeId(number: PhoneNumber, state: DialpadState): string | undefined {
  const id = number.targetId!;
  switch (number.status) {
    case "user":
      return state.user(id).officeId;
    case "department":
      return state.department(id).officeId;
    case "call_center":
      return state.callCenter(id).officeId;
    case "office":
      return id;
    default:
      return undefined;
  }
}

export function officeToWire(office: Office, state: DialpadState): Json {
  return unsetWhenEmpty({
    id: office.id,
    office_id: office.id,
    name: office.name,
    country: office.country,
    timezone: office.timezone,
    state: "active",
    is_primary_office: office.isPrimary,
    phone_numbers: state.numbersHeldBy("office", office.id),
    ...GROUP_UNMODELLED,
    ...OFFICE_UNMODELLED,
  });
}

/** `AvailableLicensesProto`: int64 counts, so strings; the lines the sandbox does not sell are "0". */
export function availableLicensesToWire(seats: Seats): Json {
  return {
    talk_lines: String(seats.talk_lines),
    sell_lines: String(seats.sell_lines),
    contact_center_lines: String(seats.contact_center_lines),
    additional_number_lines: "0",
    fax_lines: "0",
    room_lines: "0",
    uberconference_lines: "0",
    tollfree_additional_number_lines: "0",
    tollfree_room_lines: "0",
    tollfree_uberconference_lines: "0",
  };
}

export function callCenterToWire(callCenter: CallCenter, state: DialpadState): Json {
  const office = state.office(callCenter.officeId);
  return unsetWhenEmpty({
    id: callCenter.id,
    name: callCenter.name,
    office_id: callCenter.officeId,
    state: "active",
    country: office.country,
    timezone: office.timezone,
    phone_numbers: state.numbersHeldBy("call_center", callCenter.id),
    advanced_settings: undefined,
    alerts: undefined,
    ...GROUP_UNMODELLED,
    ...CALL_GROUP_UNMODELLED,
  });
}

export function departmentToWire(department: Department, state: DialpadState): Json {
  const office = state.office(department.officeId);
  return unsetWhenEmpty({
    id: department.id,
    name: department.name,
    office_id: department.officeId,
    state: "active",
    country: office.country,
    timezone: office.timezone,
    phone_numbers: state.numbersHeldBy("department", department.id),
    auto_call_recording: undefined,
    ...GROUP_UNMODELLED,
    ...CALL_GROUP_UNMODELLED,
  });
}

export function webhookToWire(webhook: Webhook): Json {
  return unsetWhenEmpty({
    id: webhook.id,
    hook_url: webhook.hookUrl,
    signature: webhook.secret ? { algo: "HS256", secret: webhook.secret, type: "jwt" } : undefined,
  });
}

export function subscriptionToWire(subscription: ChangeLogSubscription, state: DialpadState): Json {
  return {
    id: subscription.id,
    enabled: subscription.enabled,
    webhook: webhookToWire(state.webhook(subscription.webhookId)),
    websocket: undefined,
  };
}
