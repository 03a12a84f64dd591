/**
 * A person as a SCIM User (RFC 7643) and back: our SCIM item and lifecycle record → the resource
 * we answer; a request's User JSON (canonical SCIM 2.0, after the dialect normalisation) → the
 * attributes it sets. Only what we keep is read: `password`, `phoneNumbers`, `groups` and unknown
 * attributes are accepted and dropped. `phoneNumbers` are answered from our records, never from a
 * live Dialpad read.
 */
import type { Person, ScimUser } from "../lifecycle/model";
import { DIALPAD_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "./schemas";
import { ScimError } from "./scim-error";

/** Where the resources live, for `meta.location` and the manager's `$ref`: e.g. `https://host/prod/scim/v2`. */
export type ScimBase = string;

/** What the IdP says of a person, as far as we keep it. */
export interface UserAttributes {
  user_name: string;
  external_id?: string;
  given_name?: string;
  family_name?: string;
  display_name?: string;
  emails?: { value: string; type?: string; primary?: boolean }[];
  manager_id?: string;
  department?: string;
  employee_number?: string;
  office_name?: string;
  license?: string;
  area_code?: string;
  extension?: string;
  /** Set by office groups (never by a User body): wins over `office_name`. */
  group_office_name?: string;
  active: boolean;
}

/** The attributes a request may leave out (PUT: unchanged) or send as null (cleared). */
export const OPTIONAL_ATTRIBUTES = [
  "external_id",
  "given_name",
  "family_name",
  "display_name",
  "emails",
  "manager_id",
  "department",
  "employee_number",
  "office_name",
  "license",
  "area_code",
  "extension",
] as const satisfies readonly (keyof UserAttributes)[];
export type OptionalAttribute = (typeof OPTIONAL_ATTRIBUTES)[number];

/** A request's word on each attribute: absent (undefined), cleared (null) or a value. */
export type AttributeChanges = { user_name?: string; active?: boolean } & {
  [K in OptionalAttribute]?: UserAttributes[K] | null;
};

const invalid = (detail: string) => new ScimError(400, "invalidValue", detail);

/** The value of `key` in `object`, matching names case-insensitively (RFC 7643 §2.1). */
function member(object: Record<string, unknown>, key: string): unknown {
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(object)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function text(value: unknown, path: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw invalid(`${path} must be a string.`);
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function bool(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw invalid(`${path} must be true or false.`);
}

/** `manager` as a string, `{value}` or `[{value}]` (what the IdPs send). */
function managerId(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.length === 0 ? null : managerId(value[0]);
  if (isObject(value)) return text(member(value, "value"), "manager.value");
  return text(value, "manager");
}

function emailsOf(value: unknown): UserAttributes["emails"] | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Array.isArray(value)) throw invalid("emails must be a list.");
  const emails = value.map((entry, i) => {
    if (!isObject(entry)) throw invalid(`emails[${i}] must be an object.`);
    const address = text(member(entry, "value"), `emails[${i}].value`);
    if (!address) throw invalid(`emails[${i}].value is required.`);
    const type = text(member(entry, "type"), `emails[${i}].type`);
    const primary = bool(member(entry, "primary"), `emails[${i}].primary`);
    return { value: address, ...(type ? { type } : {}), ...(primary !== undefined ? { primary } : {}) };
  });
  return emails.length === 0 ? null : emails;
}

/**
 * Reads a User body (POST, PUT, or the resource a PATCH produced). Extension attributes are read
 * from their schema's object; `password` and the rest are ignored.
 */
export function userChangesOf(body: unknown): AttributeChanges {
  if (!isObject(body)) throw invalid("The body must be a SCIM User object.");
  const name = member(body, "name");
  if (name !== undefined && name !== null && !isObject(name)) throw invalid("name must be an object.");
  const names = isObject(name) ? name : undefined;
  const enterprise = member(body, ENTERPRISE_USER_SCHEMA);
  const ours = member(body, DIALPAD_USER_SCHEMA);
  const ext = (object: unknown, key: string, path: string) =>
    isObject(object) ? text(member(object, key), path) : object === null ? null : undefined;
  const userName = text(member(body, "userName"), "userName");
  const changes: AttributeChanges = {
    ...(userName ? { user_name: userName } : {}),
    active: bool(member(body, "active"), "active"),
    external_id: text(member(body, "externalId"), "externalId"),
    given_name: names ? text(member(names, "givenName"), "name.givenName") : name === null ? null : undefined,
    family_name: names
      ? text(member(names, "familyName"), "name.familyName")
      : name === null
        ? null
        : undefined,
    display_name: text(member(body, "displayName"), "displayName"),
    emails: emailsOf(member(body, "emails")),
    manager_id: isObject(enterprise)
      ? managerId(member(enterprise, "manager"))
      : enterprise === null
        ? null
        : undefined,
    department: ext(enterprise, "department", "department"),
    employee_number: ext(enterprise, "employeeNumber", "employeeNumber"),
    office_name: ext(ours, "officeName", "officeName"),
    license: ext(ours, "license", "license"),
    area_code: ext(ours, "areaCode", "areaCode"),
    extension: ext(ours, "extension", "extension"),
  };
  if (changes.active === undefined) delete changes.active;
  return changes;
}

/** The attributes after a request: PUT/POST semantics, an omitted one unchanged, a null one cleared. */
export function applyChanges(current: UserAttributes | undefined, changes: AttributeChanges): UserAttributes {
  const userName = changes.user_name ?? current?.user_name;
  if (!userName) throw invalid("userName is required.");
  const next: Record<string, unknown> = { ...current, user_name: userName };
  next.active = changes.active ?? current?.active ?? true;
  for (const attribute of OPTIONAL_ATTRIBUTES) {
    const change = changes[attribute];
    if (change === null) delete next[attribute];
    else if (change !== undefined) next[attribute] = change;
  }
  return next as unknown as UserAttributes;
}

/** A resource read in full (a PATCH's result): whatever it leaves out is cleared. */
export function everyAttribute(changes: AttributeChanges): AttributeChanges {
  const full: AttributeChanges = { ...changes };
  for (const attribute of OPTIONAL_ATTRIBUTES) if (full[attribute] === undefined) full[attribute] = null;
  return full;
}

/**
 * The person's email: the `emails` value marked primary, else the one of type work, else the
 * `userName` if it is an address; none is a 400.
 */
export function personEmailOf(attributes: Pick<UserAttributes, "emails" | "user_name">): string {
  const emails = attributes.emails ?? [];
  const chosen =
    emails.find((email) => email.primary === true)?.value ??
    emails.find((email) => email.type?.toLowerCase() === "work")?.value ??
    (attributes.user_name.includes("@") ? attributes.user_name : undefined);
  if (!chosen || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(chosen))
    throw invalid("No email address: send an emails value marked primary, or a userName that is an address.");
  return chosen.trim().toLowerCase();
}

/**
 * Whether SCIM answers the person as active: what the IdP last asked, unless Dialpad has since
 * suspended or deleted them (a suspension by hand after the IdP's last word wins). A deactivation
 * the mass-change guard holds never set `active` false: nothing changed in Dialpad.
 */
export function answeredActive(user: ScimUser, person: Person | undefined): boolean {
  if (!user.active) return false;
  if (person?.state !== "suspended" && person?.state !== "deleted") return true;
  // The deactivation the guard held, since released and carried out.
  if (user.offboard_job_id !== undefined && person.suspended_by?.job_id === user.offboard_job_id)
    return false;
  const since = person.state === "deleted" ? person.deleted_at : person.suspended_at;
  return since === undefined || since <= user.active_at;
}

/** The SCIM User we answer for a person. */
export function userResource(user: ScimUser, person: Person | undefined, base: ScimBase) {
  const enterprise = {
    ...(user.manager_id
      ? { manager: { value: user.manager_id, $ref: `${base}/Users/${user.manager_id}` } }
      : {}),
    ...(user.department ? { department: user.department } : {}),
    ...(user.employee_number ? { employeeNumber: user.employee_number } : {}),
  };
  const ours = {
    ...(user.office_name ? { officeName: user.office_name } : {}),
    ...(user.license ? { license: user.license } : {}),
    ...(user.area_code ? { areaCode: user.area_code } : {}),
    ...(user.extension ? { extension: user.extension } : {}),
  };
  const name = {
    ...(user.given_name ? { givenName: user.given_name } : {}),
    ...(user.family_name ? { familyName: user.family_name } : {}),
  };
  const numbers = person?.phone_numbers ?? [];
  return {
    schemas: [
      USER_SCHEMA,
      ...(Object.keys(enterprise).length > 0 ? [ENTERPRISE_USER_SCHEMA] : []),
      ...(Object.keys(ours).length > 0 ? [DIALPAD_USER_SCHEMA] : []),
    ],
    id: user.id,
    ...(user.external_id ? { externalId: user.external_id } : {}),
    userName: user.user_name,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(user.display_name ? { displayName: user.display_name } : {}),
    active: answeredActive(user, person),
    emails: user.emails ?? [{ value: user.email, type: "work", primary: true }],
    ...(numbers.length > 0
      ? {
          phoneNumbers: numbers.map((value, i) => ({
            value,
            type: "work",
            ...(i === 0 ? { primary: true } : {}),
          })),
        }
      : {}),
    ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    ...(Object.keys(ours).length > 0 ? { [DIALPAD_USER_SCHEMA]: ours } : {}),
    meta: {
      resourceType: "User",
      created: user.created_at,
      lastModified: user.updated_at,
      location: `${base}/Users/${user.id}`,
    },
  };
}

export type UserResource = ReturnType<typeof userResource>;

/** The attributes of a stored user (to apply a request's changes to). */
export function attributesOf(user: ScimUser): UserAttributes {
  const {
    id: _id,
    email: _email,
    active_at: _at,
    deactivations: _d,
    created_at: _c,
    updated_at: _u,
    ...rest
  } = user;
  const {
    offboard_job_id: _job,
    offboard_held: _held,
    deleted_at: _deleted,
    activations: _a,
    ...attributes
  } = rest;
  return attributes;
}
