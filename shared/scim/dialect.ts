/**
 * What real identity providers send, made canonical SCIM 2.0 before anything reads it (scimmy and
 * RFC-only code answer 400 to most of it, and a 400 fails Entra's whole deprovision):
 * - `urn:scim:schemas:core:1.0` / `…:extension:enterprise:1.0` (Google Workspace, OneLogin) → 2.0;
 * - `"True"` / `"False"` (Entra) → booleans, for every boolean attribute of the schemas;
 * - `null` is kept: it means "clear" (PUT, POST and PATCH alike);
 * - `manager` as a bare id (Entra), `{value}`, `[{value}]` or `{value, displayName}` (OneLogin) → `{value}`;
 * - extension attributes sent unqualified (`"path":"manager"`, Entra's older requests) → qualified;
 * - PATCH: `op` in any case; a path-less value (Okta's `{"active":false}`, its group rename
 *   `{"id","displayName"}`, Entra's dotted `name.givenName` and schema-qualified keys under
 *   aadOptscim062020) becomes one operation per attribute with a path; a Replace/Add of `null` a Remove.
 */

import {
  attributeFacts,
  CORE_1_SCHEMA,
  ENTERPRISE_1_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  extensionDefining,
  GROUP_SCHEMA,
  type ResourceKind,
  SCHEMAS_OF,
  schemaPrefix,
  USER_SCHEMA,
} from "./schemas";
import { badRequest } from "./scim-error";

export type PatchOp = "add" | "replace" | "remove";

/** One canonical PATCH operation: lower-case `op`; `path` present except for a whole-resource value. */
export interface PatchOperation {
  op: PatchOp;
  path?: string;
  value?: unknown;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value of `key` in `object`, names matching case-insensitively (RFC 7643 §2.1). */
function member(object: Json, key: string): [string, unknown] | undefined {
  const lower = key.toLowerCase();
  for (const entry of Object.entries(object)) if (entry[0].toLowerCase() === lower) return entry;
  return undefined;
}

/**
 * A POST or PUT body of a User or Group, canonical: 2.0 schemas, booleans, manager `{value}`,
 * extension attributes inside their extension's object. Unknown attributes are kept (the resource
 * mapping ignores them); a body that is not an object is a 400 invalidSyntax.
 */
export function normaliseResource(body: unknown, kind: ResourceKind): Json {
  if (!isRecord(body)) throw badRequest("invalidSyntax", `The body must be a SCIM ${kind} object.`);
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === "schemas") {
      out.schemas = canonicalSchemas(value, kind);
      continue;
    }
    const target = placeOf(key, kind);
    if (target.extension && target.attribute === undefined) {
      // The extension's object (1.0's enterprise URN renamed): merged, unqualified keys win no clash.
      const existing = isRecord(out[target.extension]) ? (out[target.extension] as Json) : {};
      out[target.extension] = isRecord(value)
        ? { ...existing, ...canonicalValues(value, target.extension) }
        : value === null
          ? null
          : value;
      continue;
    }
    if (target.extension && target.attribute) {
      const existing = isRecord(out[target.extension]) ? (out[target.extension] as Json) : {};
      out[target.extension] = {
        ...existing,
        [target.attribute]: canonicalValue(target.extension, target.attribute, value),
      };
      continue;
    }
    const name = target.attribute ?? key;
    out[name] = canonicalValue(SCHEMAS_OF[kind].core.id, name, value);
  }
  return out;
}

/**
 * A PATCH body → canonical operations (RFC 7644 §3.5.2, and the IdPs' variants above). A body
 * without `Operations`, an unknown `op`, a Remove without a path or an Add/Replace without a value
 * is a 400 before anything is read or written.
 */
export function normalisePatch(body: unknown, kind: ResourceKind): PatchOperation[] {
  if (!isRecord(body)) throw badRequest("invalidSyntax", "The body must be a SCIM PatchOp object.");
  const operations = member(body, "Operations")?.[1];
  if (!Array.isArray(operations) || operations.length === 0)
    throw badRequest("invalidSyntax", "A PATCH needs a non-empty Operations list.");
  return operations.flatMap((operation, i) => normaliseOperation(operation, i, kind));
}

function normaliseOperation(operation: unknown, i: number, kind: ResourceKind): PatchOperation[] {
  if (!isRecord(operation)) throw badRequest("invalidSyntax", `Operations[${i}] must be an object.`);
  const rawOp = member(operation, "op")?.[1];
  const op = typeof rawOp === "string" ? rawOp.trim().toLowerCase() : undefined;
  if (op !== "add" && op !== "replace" && op !== "remove")
    throw badRequest("invalidSyntax", `Operations[${i}].op must be add, replace or remove (any case).`);
  const rawPath = member(operation, "path")?.[1];
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== "string")
    throw badRequest("invalidPath", `Operations[${i}].path must be a string.`);
  const path = typeof rawPath === "string" && rawPath.trim() !== "" ? rawPath.trim() : undefined;
  const valueEntry = member(operation, "value");
  const value = valueEntry?.[1];

  if (op === "remove") {
    if (!path) throw badRequest("noTarget", `Operations[${i}]: a remove needs a path.`);
    const canonical = canonicalPath(path, kind);
    return [
      {
        op,
        path: canonical,
        ...(value === undefined || value === null ? {} : { value: valueAt(canonical, value) }),
      },
    ];
  }
  if (valueEntry === undefined) throw badRequest("invalidValue", `Operations[${i}]: an ${op} needs a value.`);
  if (path) {
    const canonical = canonicalPath(path, kind);
    // Replace or add of null: "clear", which is a remove (Entra's null updates).
    if (value === null) return [{ op: "remove", path: canonical }];
    return [{ op, path: canonical, value: valueAt(canonical, value) }];
  }
  // No path: the value is a partial resource; one operation per attribute it names.
  if (!isRecord(value))
    throw badRequest("invalidValue", `Operations[${i}]: an ${op} without a path needs an object value.`);
  const expanded: PatchOperation[] = [];
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    // Okta's group rename repeats the id; schemas and meta are not the client's to change.
    if (lower === "id" || lower === "schemas" || lower === "meta") continue;
    const place = placeOf(key, kind);
    if (place.extension && place.attribute === undefined && isRecord(v)) {
      for (const [inner, innerValue] of Object.entries(v))
        expanded.push(operationAt(op, `${place.extension}:${inner}`, innerValue, kind));
      continue;
    }
    expanded.push(operationAt(op, key, v, kind));
  }
  return expanded;
}

function operationAt(
  op: "add" | "replace",
  path: string,
  value: unknown,
  kind: ResourceKind,
): PatchOperation {
  const canonical = canonicalPath(path, kind);
  return value === null
    ? { op: "remove", path: canonical }
    : { op, path: canonical, value: valueAt(canonical, value) };
}

/** A path with its schema URN canonical (2.0, schema's spelling) and extension attributes qualified. */
export function canonicalPath(path: string, kind: ResourceKind): string {
  const place = placeOf(path, kind);
  if (!place.extension) return place.attribute ?? path;
  return place.attribute === undefined ? place.extension : `${place.extension}:${place.attribute}`;
}

interface Place {
  /** The extension schema URN the attribute lives under (canonical spelling). */
  extension?: string;
  /** The rest of the path (`manager`, `name.givenName`, `emails[type eq "work"].value`). */
  attribute?: string;
}

/** Where a key or path points: the core resource, or an extension (by its URN, 1.0 renamed). */
function placeOf(path: string, kind: ResourceKind): Place {
  let rest = path;
  const lower = path.toLowerCase();
  const oldPrefix = [CORE_1_SCHEMA, ENTERPRISE_1_SCHEMA].find(
    (urn) => lower.startsWith(urn) && [":", undefined].includes(lower[urn.length]),
  );
  let schema: string | undefined;
  if (oldPrefix) {
    schema = oldPrefix === CORE_1_SCHEMA ? SCHEMAS_OF[kind].core.id : ENTERPRISE_USER_SCHEMA;
    rest = path.slice(oldPrefix.length + 1);
  } else {
    const prefix = schemaPrefix(kind, path);
    if (prefix) {
      schema = [SCHEMAS_OF[kind].core, ...SCHEMAS_OF[kind].extensions].find(
        (d) => d.id.toLowerCase() === prefix.toLowerCase(),
      )?.id;
      rest = path.slice(prefix.length + 1);
    }
  }
  if (schema && schema !== SCHEMAS_OF[kind].core.id)
    return rest === "" ? { extension: schema } : { extension: schema, attribute: rest };
  if (rest === "") return {};
  // An unqualified attribute only an extension defines (Entra's `"path":"manager"`).
  const top = rest.split(/[.[]/)[0] ?? rest;
  const extension = extensionDefining(kind, top);
  return extension ? { extension, attribute: rest } : { attribute: rest };
}

function canonicalSchemas(value: unknown, kind: ResourceKind): unknown {
  if (!Array.isArray(value)) return value;
  const core = kind === "User" ? USER_SCHEMA : GROUP_SCHEMA;
  const mapped = value.map((urn) => {
    if (typeof urn !== "string") return urn;
    const lower = urn.toLowerCase();
    if (lower === CORE_1_SCHEMA) return core;
    if (lower === ENTERPRISE_1_SCHEMA) return ENTERPRISE_USER_SCHEMA;
    return urn;
  });
  return [...new Set(mapped)];
}

function canonicalValues(object: Json, schema: string): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) out[key] = canonicalValue(schema, key, value);
  return out;
}

/** The value of a PATCH path, canonical for the attribute (and sub-attribute) the path names. */
function valueAt(path: string, value: unknown): unknown {
  const colon = path.toLowerCase().startsWith("urn:") ? path.lastIndexOf(":") : -1;
  const schema = colon >= 0 ? path.slice(0, colon) : undefined;
  const local = colon >= 0 ? path.slice(colon + 1) : path;
  const match = /^([^.[]+)(?:\[[^\]]*\])?(?:\.(.+))?$/.exec(local);
  const top = match?.[1] ?? local;
  const sub = match?.[2];
  const schemas = schema ? [schema] : [USER_SCHEMA, GROUP_SCHEMA];
  for (const s of schemas) {
    const facts = attributeFacts(s, top);
    if (!facts) continue;
    if (sub) {
      const subFacts = facts.sub.get(sub.toLowerCase());
      return subFacts?.type === "boolean" ? toBoolean(value) : value;
    }
    return canonicalValue(s, top, value);
  }
  return value;
}

/** A value of an attribute of a schema, canonical: booleans, manager, and within complex values. */
function canonicalValue(schema: string, name: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const facts = attributeFacts(schema, name);
  if (!facts) return value;
  if (schema === ENTERPRISE_USER_SCHEMA && facts.name === "manager") return canonicalManager(value);
  if (facts.type === "boolean") return toBoolean(value);
  if (facts.type !== "complex") return value;
  const fix = (element: unknown) => {
    if (!isRecord(element)) return element;
    const out: Json = {};
    for (const [key, v] of Object.entries(element))
      out[key] = facts.sub.get(key.toLowerCase())?.type === "boolean" ? toBoolean(v) : v;
    return out;
  };
  return Array.isArray(value) ? value.map(fix) : fix(value);
}

/** `"True"` / `"false"` → booleans; anything else unchanged (and refused later by the reader). */
export function toBoolean(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const lower = value.trim().toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : value;
}

/** Manager as `{value}`: from a bare id, `{value, …}` or `[{value}]`; empty means cleared (null). */
export function canonicalManager(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.length === 0 ? null : canonicalManager(value[0]);
  if (typeof value === "string") return value.trim() === "" ? null : { value: value.trim() };
  if (isRecord(value)) {
    const id = member(value, "value")?.[1];
    if (id === null || id === undefined || (typeof id === "string" && id.trim() === "")) return null;
    return typeof id === "string" ? { value: id.trim() } : { value: id };
  }
  return value;
}
