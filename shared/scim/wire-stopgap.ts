/**
 * STOPGAP until the wire layer's patch.ts lands: PATCH operations for the simple cases, replaced by
 * an import of its applyPatch then.
 */
import { ScimError } from "./scim-error";

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
