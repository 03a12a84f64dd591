/**
 * A SCIM Group on the wire (RFC 7643 §4.2): the resource we answer, the attributes a POST or PUT
 * body gives, and the PATCH operations the big IdPs send for groups. What the
 * IdPs send, besides the RFC: Okta's path-less `{"op":"replace","value":{"id","displayName"}}`
 * before each membership change and `remove` with `members[value eq "…"]`; Entra's `"Add"` /
 * `"Remove"` capitalised and a Remove of `members` with a value list (only those leave); JumpCloud's
 * value lists; schema-qualified keys. (Filters: filter.ts; paging and projections: list-query.ts.)
 */

import { GROUP_SCHEMA } from "./schemas";
import { ScimError } from "./scim-error";
import type { ScimGroup } from "./scim-group-store";

/** What a body or PATCH asks: undefined leaves an attribute, null clears it. */
export interface GroupChanges {
  display_name?: string | null;
  external_id?: string | null;
  members?: string[] | null;
}

export function groupResource(group: ScimGroup, scimBase: string, options: { members?: boolean } = {}) {
  const location = `${scimBase}/Groups/${group.id}`;
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    displayName: group.display_name,
    ...(group.external_id !== undefined ? { externalId: group.external_id } : {}),
    ...(options.members === false
      ? {}
      : {
          members: group.members.map((id) => ({ value: id, $ref: `${scimBase}/Users/${id}`, type: "User" })),
        }),
    meta: {
      resourceType: "Group",
      created: group.created_at,
      lastModified: group.updated_at,
      location,
      version: `W/"${group.version}"`,
    },
  };
}

const invalid = (detail: string) => new ScimError(400, "invalidValue", detail);

/** The attribute a key names (`displayName`, any case, or schema-qualified); undefined for others. */
function attributeOf(key: string): "displayName" | "externalId" | "members" | "other" {
  const local = key.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, "").toLowerCase();
  if (local === "displayname") return "displayName";
  if (local === "externalid") return "externalId";
  if (local === "members") return "members";
  return "other";
}

function text(value: unknown, name: string): string | null {
  if (value === null) return null;
  if (typeof value !== "string") throw invalid(`${name} must be a string.`);
  return value;
}

/** Member ids from `[{value}]`, `{value}` or bare strings; anything else is a 400. */
export function memberIdsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((member) => {
    const id = typeof member === "string" ? member : (member as { value?: unknown } | null)?.value;
    if (typeof id !== "string" || id.trim() === "")
      throw invalid('A member is given as {"value": "<user id>"}.');
    return id;
  });
}

/** POST and PUT bodies: only the group's own attributes; `id`, `schemas`, `meta` and unknown keys ignored. */
export function groupChangesOfBody(body: unknown): GroupChanges {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ScimError(400, "invalidSyntax", "The body must be a SCIM Group object.");
  const changes: GroupChanges = {};
  for (const [key, value] of Object.entries(body)) {
    const attribute = attributeOf(key);
    if (attribute === "displayName") changes.display_name = text(value, "displayName");
    else if (attribute === "externalId") changes.external_id = text(value, "externalId");
    else if (attribute === "members") changes.members = value === null ? null : memberIdsOf(value);
  }
  return changes;
}

const MEMBER_FILTER = /^members\s*\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i;

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a group, in order, and answers the attributes that
 * differ from `current` afterwards.
 */
export function applyGroupPatch(current: ScimGroup, body: unknown): GroupChanges {
  const operations = (body as { Operations?: unknown } | null)?.Operations;
  if (!Array.isArray(operations) || operations.length === 0)
    throw new ScimError(400, "invalidSyntax", "A PATCH needs a list of Operations.");
  let displayName: string = current.display_name;
  let externalId: string | undefined = current.external_id;
  let members = [...current.members];
  const add = (ids: readonly string[]) => {
    for (const id of ids) if (!members.includes(id)) members.push(id);
  };
  const remove = (ids: readonly string[]) => {
    members = members.filter((id) => !ids.includes(id));
  };
  for (const operation of operations as { op?: unknown; path?: unknown; value?: unknown }[]) {
    const op = String(operation?.op ?? "").toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove")
      throw new ScimError(400, "invalidSyntax", `Unknown op "${String(operation?.op)}".`);
    const path = typeof operation.path === "string" ? operation.path.trim() : undefined;
    const { value } = operation;
    if (path === undefined || path === "") {
      if (op === "remove") throw new ScimError(400, "noTarget", "A remove needs a path.");
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw invalid("An operation without a path needs an object value.");
      for (const [key, item] of Object.entries(value)) {
        const attribute = attributeOf(key);
        if (attribute === "members") {
          if (op === "replace") members = [];
          if (item !== null) add(memberIdsOf(item));
        } else if (attribute === "displayName") displayName = required(text(item, "displayName"));
        else if (attribute === "externalId") externalId = text(item, "externalId") ?? undefined;
      }
      continue;
    }
    const filtered = MEMBER_FILTER.exec(path);
    if (filtered) {
      const id = JSON.parse(`"${filtered[1]}"`) as string;
      if (op === "remove") remove([id]);
      else add([id]);
      continue;
    }
    switch (attributeOf(path)) {
      case "members":
        if (op === "add") add(memberIdsOf(value));
        else if (op === "replace") members = value === null ? [] : unique(memberIdsOf(value));
        // Entra's Remove with a value list: only those leave. No value: everyone leaves.
        else if (value === undefined || value === null) members = [];
        else remove(memberIdsOf(value));
        break;
      case "displayName":
        if (op === "remove") throw invalid("A group's displayName cannot be removed.");
        displayName = required(text(value, "displayName"));
        break;
      case "externalId":
        externalId = op === "remove" ? undefined : (text(value, "externalId") ?? undefined);
        break;
      case "other":
        throw new ScimError(400, "invalidPath", `A group has no attribute "${path}" we change.`);
    }
  }
  return {
    ...(displayName !== current.display_name ? { display_name: displayName } : {}),
    ...(externalId !== current.external_id ? { external_id: externalId ?? null } : {}),
    members,
  };
}

function required(value: string | null): string {
  if (value === null || value.trim() === "") throw invalid("A group needs a displayName.");
  return value;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];
