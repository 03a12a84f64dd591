/**
 * RFC 7644 §3.5.2 PATCH on canonical resource JSON (after dialect.ts): `applyPatch(resource, ops)`
 * answers the new resource and never changes its argument. Paths: `attr`, `attr.sub`,
 * `attr[filter]`, `attr[filter].sub`, each optionally under an extension's URN (the URN alone: the
 * extension's object). Where the IdPs and the RFC part, the IdPs win, because a 400 fails their
 * whole request (Entra's deprovision flips `active` in the same PATCH):
 * - an Add/Replace on a value filter matching nothing creates the element from the filter's `eq`
 *   conditions (`phoneNumbers[type eq "work"].value` → `{type: "work", value}`);
 * - a Remove of a multi-valued attribute with a value list removes only those values (Entra's and
 *   JumpCloud's member removal), and a Remove matching nothing changes nothing (a replay);
 * - Add/Replace of a complex single value merges its sub-attributes (RFC), Replace of a multi-valued
 *   attribute without a filter replaces the list.
 * A path we cannot read is 400 invalidPath; a filter the path cannot create from is 400 noTarget;
 * a value of the wrong shape is 400 invalidValue; `id` and `meta` are 400 mutability.
 */
import { Filter } from "scimmy/types";
import type { PatchOperation } from "./dialect";
import { attributeFacts, type ResourceKind, SCHEMAS_OF } from "./schemas";
import { badRequest } from "./scim-error";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function applyPatch<T extends Json>(
  resource: T,
  operations: readonly PatchOperation[],
  kind: ResourceKind = kindOf(resource),
): T {
  const next = structuredClone(resource) as Json;
  for (const operation of operations) applyOne(next, operation, kind);
  return next as T;
}

function kindOf(resource: Json): ResourceKind {
  const schemas = Array.isArray(resource.schemas) ? resource.schemas : [];
  return schemas.some(
    (s) => typeof s === "string" && s.toLowerCase() === SCHEMAS_OF.Group.core.id.toLowerCase(),
  )
    ? "Group"
    : "User";
}

interface Target {
  /** The object holding the attribute: the resource, or an extension's object. */
  holder: (create: boolean) => Json | undefined;
  /** The schema the attribute belongs to. */
  schema: string;
  /** The extension URN when the path is only that (the extension's whole object). */
  wholeExtension?: string;
  attribute?: string;
  filter?: string;
  sub?: string;
}

const PATH = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/;

function parsePath(resource: Json, path: string, kind: ResourceKind): Target {
  const { core, extensions } = SCHEMAS_OF[kind];
  let rest = path;
  let schema = core.id;
  let extension: string | undefined;
  if (path.toLowerCase().startsWith("urn:")) {
    const lower = path.toLowerCase();
    const known = [core, ...extensions].find(
      (d) => lower.startsWith(d.id.toLowerCase()) && [":", undefined].includes(lower[d.id.length]),
    );
    if (!known) throw badRequest("invalidPath", `The path "${path}" names a schema we do not serve.`);
    schema = known.id;
    rest = path.slice(known.id.length + 1);
    if (known !== core) extension = known.id;
  }
  const holder = (create: boolean): Json | undefined => {
    if (!extension) return resource;
    const key = keyOf(resource, extension);
    if (isRecord(resource[key])) return resource[key] as Json;
    if (!create) return undefined;
    resource[key] = {};
    return resource[key] as Json;
  };
  if (rest === "") {
    if (!extension) throw badRequest("invalidPath", `The path "${path}" names no attribute.`);
    return { holder, schema, wholeExtension: extension };
  }
  const match = PATH.exec(rest);
  if (!match?.[1]) throw badRequest("invalidPath", `The path "${path}" is not a SCIM attribute path.`);
  return {
    holder,
    schema,
    attribute: match[1],
    ...(match[2] ? { filter: match[2] } : {}),
    ...(match[3] ? { sub: match[3] } : {}),
  };
}

function applyOne(resource: Json, operation: PatchOperation, kind: ResourceKind): void {
  const { op, value } = operation;
  if (!operation.path) {
    // dialect.ts expands path-less values; one left here is a whole-resource merge.
    if (op === "remove") throw badRequest("noTarget", "A remove needs a path.");
    if (!isRecord(value)) throw badRequest("invalidValue", `An ${op} without a path needs an object value.`);
    for (const [key, v] of Object.entries(value)) applyOne(resource, { op, path: key, value: v }, kind);
    return;
  }
  if (op !== "remove" && value === undefined)
    throw badRequest("invalidValue", `An ${op} of "${operation.path}" needs a value.`);
  const target = parsePath(resource, operation.path, kind);

  if (target.wholeExtension) {
    const key = keyOf(resource, target.wholeExtension);
    if (op === "remove") delete resource[key];
    else if (!isRecord(value)) throw badRequest("invalidValue", `"${operation.path}" takes an object.`);
    else
      resource[key] =
        op === "add" || isRecord(resource[key]) ? { ...(resource[key] as Json), ...value } : value;
    return;
  }

  const attribute = target.attribute as string;
  const facts = attributeFacts(target.schema, attribute);
  const lower = attribute.toLowerCase();
  if (target.schema === SCHEMAS_OF[kind].core.id && (lower === "id" || lower === "meta")) {
    const current = resource[keyOf(resource, attribute)];
    if (op !== "remove" && JSON.stringify(current) === JSON.stringify(value)) return;
    throw badRequest("mutability", `${attribute} cannot be changed.`);
  }
  if (lower === "schemas") return;

  const holder = target.holder(op !== "remove");
  if (!holder) return; // removing from an extension the resource does not have
  const key = keyOf(holder, facts?.name ?? attribute);
  const current = holder[key];
  const multiValued = facts?.multiValued ?? Array.isArray(current);

  if (target.filter !== undefined) {
    if (!multiValued)
      throw badRequest("invalidPath", `"${operation.path}": a filter needs a multi-valued attribute.`);
    applyFiltered(holder, key, target, operation, (name) => facts?.sub.get(name.toLowerCase())?.name ?? name);
    return;
  }

  if (target.sub !== undefined) {
    const subKey = (object: Json) =>
      keyOf(object, facts?.sub.get(target.sub?.toLowerCase() ?? "")?.name ?? target.sub ?? "");
    if (multiValued) {
      const list = Array.isArray(current) ? current.filter(isRecord) : [];
      if (op === "remove") for (const element of list) delete element[subKey(element)];
      else if (list.length === 0) holder[key] = [{ [subKey({})]: value }];
      else for (const element of list) element[subKey(element)] = value;
      return;
    }
    if (op === "remove") {
      if (!isRecord(current)) return;
      delete current[subKey(current)];
      if (Object.keys(current).length === 0) delete holder[key];
      return;
    }
    const object = isRecord(current) ? current : {};
    object[subKey(object)] = value;
    holder[key] = object;
    return;
  }

  if (op === "remove") {
    if (multiValued && value !== undefined && Array.isArray(current)) {
      // Entra / JumpCloud: remove only the listed values, never the whole list.
      const gone = asList(value);
      const left = current.filter((element) => !gone.some((g) => sameValue(element, g)));
      if (left.length > 0) holder[key] = left;
      else delete holder[key];
      return;
    }
    delete holder[key];
    return;
  }

  if (multiValued) {
    const values = asList(value);
    if (op === "replace") holder[key] = values;
    else {
      const list = Array.isArray(current) ? [...current] : [];
      for (const v of values) if (!list.some((element) => sameValue(element, v))) list.push(v);
      holder[key] = list;
    }
    return;
  }
  if (facts?.type === "complex") {
    if (!isRecord(value)) throw badRequest("invalidValue", `"${operation.path}" takes an object.`);
    holder[key] = { ...(isRecord(current) ? current : {}), ...value };
    return;
  }
  if (isRecord(value) || Array.isArray(value))
    throw badRequest(
      "invalidValue",
      `"${operation.path}" takes a single value, not ${Array.isArray(value) ? "a list" : "an object"}.`,
    );
  holder[key] = value;
}

function applyFiltered(
  holder: Json,
  key: string,
  target: Target,
  operation: PatchOperation,
  subName: (name: string) => string,
): void {
  const { op, value } = operation;
  const current = holder[key];
  if (current !== undefined && current !== null && !Array.isArray(current))
    throw badRequest("invalidPath", `"${operation.path}": ${key} is not a list.`);
  const list = (Array.isArray(current) ? current : []) as unknown[];
  const matches = matcher(target.filter as string, operation.path as string);
  const matching = list.filter((element): element is Json => isRecord(element) && matches(element));
  const sub = target.sub === undefined ? undefined : subName(target.sub);

  if (op === "remove") {
    if (sub === undefined) {
      const left = list.filter((element) => !matching.includes(element as Json));
      if (left.length > 0) holder[key] = left;
      else delete holder[key];
    } else for (const element of matching) delete element[keyOf(element, sub)];
    return;
  }
  if (sub === undefined && !isRecord(value))
    throw badRequest("invalidValue", `"${operation.path}" takes an object.`);
  if (matching.length > 0) {
    for (const element of matching) {
      if (sub === undefined) Object.assign(element, value as Json);
      else element[keyOf(element, sub)] = value;
    }
    return;
  }
  // Nothing matches yet: create it from the filter's eq conditions (Entra's work phone number).
  const seed = seedOf(target.filter as string, operation.path as string, subName);
  const created = sub === undefined ? { ...seed, ...(value as Json) } : { ...seed, [sub]: value };
  holder[key] = [...list, created];
}

/** The element a filter of `eq` conditions joined by `and` describes; anything else is noTarget. */
function seedOf(filter: string, path: string, subName: (name: string) => string): Json {
  const branches = parsedFilter(filter, path);
  const only = branches.length === 1 ? branches[0] : undefined;
  const seed: Json = {};
  for (const [name, expression] of Object.entries(only ?? {})) {
    if (!Array.isArray(expression) || expression[0] !== "eq" || expression.length !== 2)
      throw badRequest("noTarget", `"${path}" matches nothing, and its filter does not say what to create.`);
    seed[subName(name)] = expression[1];
  }
  if (!only || Object.keys(seed).length === 0)
    throw badRequest("noTarget", `"${path}" matches nothing, and its filter does not say what to create.`);
  return seed;
}

function parsedFilter(filter: string, path: string): Json[] {
  let branches: Json[];
  try {
    branches = [...new Filter(filter)] as Json[];
  } catch {
    throw badRequest("invalidPath", `The filter in "${path}" does not parse.`);
  }
  // scimmy reads `type eq` (no value) as a comparison with nothing: refuse it here.
  const complete = (expression: unknown): boolean => {
    if (!Array.isArray(expression)) return false;
    if (Array.isArray(expression[0])) return expression.every(complete);
    const [operator, ...rest] = expression[0] === "not" ? expression.slice(1) : expression;
    return operator === "pr" || operator === "np" ? rest.length === 0 : rest.length === 1;
  };
  if (!branches.every((branch) => Object.values(branch).every(complete)))
    throw badRequest("invalidPath", `The filter in "${path}" is incomplete.`);
  return branches;
}

/**
 * The element test of a value filter: branches (or) of conditions (and). Values compare as strings,
 * case-insensitively (`type eq "Work"`, an id in another case, `primary eq "True"`).
 */
function matcher(filter: string, path: string): (element: Json) => boolean {
  const branches = parsedFilter(filter, path);
  const test = (element: Json, name: string, expression: unknown): boolean => {
    if (!Array.isArray(expression)) throw badRequest("invalidPath", `The filter in "${path}" is too deep.`);
    if (Array.isArray(expression[0])) return expression.every((e) => test(element, name, e));
    const negated = expression[0] === "not";
    const [operator, expected] = (negated ? expression.slice(1) : expression) as [string, unknown];
    const actual = element[keyOf(element, name)];
    const a = actual === undefined || actual === null ? undefined : String(actual).toLowerCase();
    const e = expected === undefined || expected === null ? undefined : String(expected).toLowerCase();
    let result: boolean;
    switch (operator) {
      case "eq":
        result = a === e;
        break;
      case "ne":
        result = a !== e;
        break;
      case "co":
        result = a !== undefined && e !== undefined && a.includes(e);
        break;
      case "sw":
        result = a !== undefined && e !== undefined && a.startsWith(e);
        break;
      case "ew":
        result = a !== undefined && e !== undefined && a.endsWith(e);
        break;
      case "pr":
        result = a !== undefined;
        break;
      case "np":
        result = a === undefined;
        break;
      default:
        throw badRequest(
          "invalidPath",
          `The filter in "${path}" uses ${operator}, which is not supported here.`,
        );
    }
    return negated ? !result : result;
  };
  return (element) =>
    branches.some((branch) =>
      Object.entries(branch).every(([name, expression]) => test(element, name, expression)),
    );
}

/** The key `name` has in `object` (case-insensitively), else `name` as given. */
function keyOf(object: Json, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower) ?? name;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Two elements of a multi-valued attribute are the same when their `value`s are (else deep-equal). */
function sameValue(a: unknown, b: unknown): boolean {
  const valueIn = (x: unknown) => (isRecord(x) ? x[keyOf(x, "value")] : x);
  const va = valueIn(a);
  const vb = valueIn(b);
  if (va !== undefined && vb !== undefined) return String(va).toLowerCase() === String(vb).toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}
