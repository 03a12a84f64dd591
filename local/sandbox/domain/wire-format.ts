/**
 * How the sandbox's state looks on the wire: the spec's UserProto, NumberProto, OfficeProto,
 * CallCenterProto, UserOrRoomProto, WebhookProto and ChangeLogEventSubscriptionProto. Ids are
 * strings; unset or empty fields are omitted, never null.
 */
import type { DialpadState } from "./dialpad-state";
import type { CallCenter, ChangeLogSubscription, Office, PhoneNumber, Seats, User, Webhook } from "./model";

type Json = Record<string, unknown>;

/** Drops undefined values and empty arrays, as Dialpad omits unset (and empty repeated) fields. */
function omitUnset(fields: Json): Json {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

const displayName = (user: User) => {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return user.state === "deleted" && name ? `${name} (deactivated)` : name || undefined;
};

export function userToWire(user: User, state: DialpadState): Json {
  const office = state.office(user.officeId);
  const live = user.state !== "deleted";
  return omitUnset({
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
    group_details: state.memberships(user.id).map((m) => ({
      group_id: m.callCenterId,
      group_type: "callcenter",
      role: m.role,
    })),
  });
}

/** `UserOrRoomProto`: what adding or removing an operator answers. */
export function operatorToWire(user: User, state: DialpadState): Json {
  return omitUnset({
    id: user.id,
    company_id: state.companyId,
    office_id: user.officeId,
    name: displayName(user),
    country: state.office(user.officeId).country,
    phone_numbers: user.state === "deleted" ? undefined : user.phoneNumbers,
    state: user.state,
    is_on_duty: false,
  });
}

export function numberToWire(number: PhoneNumber, state: DialpadState): Json {
  const holder = number.userId ? state.user(number.userId) : undefined;
  return omitUnset({
    number: number.number,
    area_code: number.areaCode,
    company_id: state.companyId,
    office_id: holder?.officeId,
    status: number.status,
    target_id: holder?.id,
    target_type: holder ? "user" : undefined,
    type: "local",
  });
}

export function officeToWire(office: Office): Json {
  return omitUnset({
    id: office.id,
    office_id: office.id,
    name: office.name,
    country: office.country,
    timezone: office.timezone,
    state: "active",
    is_primary_office: office.isPrimary,
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
  return omitUnset({
    id: callCenter.id,
    name: callCenter.name,
    office_id: callCenter.officeId,
    state: "active",
    country: office.country,
    timezone: office.timezone,
  });
}

export function webhookToWire(webhook: Webhook): Json {
  return omitUnset({
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
  };
}
