/**
 * STOPGAP until the SCIM wire layer (scim-error, filter, list-query) lands: the smallest pieces the
 * Users service needs, replaced by imports of the wire modules then.
 */

export const SCIM_CONTENT_TYPE = "application/scim+json";
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const SCIM_LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/** A refusal in SCIM's terms (RFC 7644 §3.12): its status, and `scimType` for the 400s and 409s. */
export class ScimError extends Error {
  override name = "ScimError";
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function scimErrorBody(status: number, detail: string, scimType?: string) {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}

export type UserFilterCondition = {
  attribute: "userName" | "externalId" | "id" | "emails.value";
  value: string;
};

const CONDITION = /^\s*([A-Za-z.:[\]" ]+?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;
const ATTRIBUTES: Record<string, UserFilterCondition["attribute"]> = {
  username: "userName",
  externalid: "externalId",
  id: "id",
  "emails.value": "emails.value",
  'emails[type eq "work"].value': "emails.value",
};

/** `eq` conditions joined by `and`; anything else is 400 invalidFilter. */
export function parseUserFilter(filter: string): UserFilterCondition[] {
  const parts = filter.split(/\s+and\s+/i);
  return parts.map((part) => {
    const match = CONDITION.exec(part);
    const attribute =
      match &&
      ATTRIBUTES[
        (match[1] ?? "")
          .trim()
          .toLowerCase()
          .replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, "")
      ];
    if (!match || !attribute)
      throw new ScimError(400, "invalidFilter", `The filter "${filter}" is not supported.`);
    return { attribute, value: JSON.parse(`"${match[2]}"`) as string };
  });
}

/** 1-based `startIndex` (below 1 counts as 1) and `count` (default and most 100). */
export function listWindow(query: Record<string, unknown>): { startIndex: number; count: number } {
  const number = (name: string, fallback: number) => {
    const raw = query[name] as string | undefined;
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new ScimError(400, "invalidValue", `${name} must be a whole number.`);
    return value;
  };
  return {
    startIndex: Math.max(1, number("startIndex", 1)),
    count: Math.min(100, Math.max(0, number("count", 100))),
  };
}

const EXTENSION_ATTRIBUTE = /^(urn:[^[\]]+:User):(.+)$/i;

/** The path's place in the resource: the object holding it and the key. */
function place(resource: Record<string, unknown>, path: string): [Record<string, unknown>, string] {
  const ext = EXTENSION_ATTRIBUTE.exec(path);
  if (ext?.[1] && ext[2] && !ext[1].toLowerCase().endsWith("core:2.0:user")) {
    return place(child(resource, ext[1]), ext[2]);
  }
  const local = path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/i, "");
  const dot = local.indexOf(".");
  if (dot < 0) return [resource, local];
  return [child(resource, local.slice(0, dot)), local.slice(dot + 1)];
}

function child(resource: Record<string, unknown>, key: string): Record<string, unknown> {
  if (typeof resource[key] !== "object" || resource[key] === null) resource[key] = {};
  return resource[key] as Record<string, unknown>;
}

/** RFC 7644 §3.5.2 for the simple cases: path-less values, attribute paths, extension paths. */
export function applyPatchStopgap(resource: unknown, body: unknown): unknown {
  const result = structuredClone(resource) as Record<string, unknown>;
  const operations = (body as { Operations?: unknown })?.Operations;
  if (!Array.isArray(operations)) throw new ScimError(400, "invalidSyntax", "A PATCH needs Operations.");
  for (const operation of operations as { op?: unknown; path?: unknown; value?: unknown }[]) {
    const op = String(operation.op ?? "").toLowerCase();
    if (!["add", "replace", "remove"].includes(op))
      throw new ScimError(400, "invalidSyntax", `Unknown op "${String(operation.op)}".`);
    const path = typeof operation.path === "string" ? operation.path : undefined;
    if (path === undefined) {
      if (typeof operation.value !== "object" || operation.value === null)
        throw new ScimError(400, "invalidValue", "A PATCH without path needs an object value.");
      for (const [key, value] of Object.entries(operation.value)) {
        if (
          EXTENSION_ATTRIBUTE.test(key) &&
          typeof value === "object" &&
          value !== null &&
          !key.includes(":User:")
        )
          result[key] = { ...(result[key] as object), ...value };
        else {
          const [holder, name] = place(result, key);
          holder[name] = value;
        }
      }
      continue;
    }
    const [holder, name] = place(result, path);
    if (op === "remove") delete holder[name];
    else holder[name] = operation.value;
  }
  return result;
}
