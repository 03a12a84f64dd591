/**
 * The SCIM filters we answer (RFC 7644 §3.4.2.2, narrowed to what the stores find by index): `eq`
 * conditions joined by `and`, on `userName`, `externalId`, `id`, `emails.value` and
 * `emails[type eq "work"].value` for users; `displayName`, `externalId` and `id` for groups.
 * Anything else is a 400 `invalidFilter`, never an empty list: an IdP that reads "nobody" creates a
 * duplicate. scimmy parses the grammar; this module decides what we accept.
 */
import { Filter } from "scimmy/types";
import { badRequest } from "./scim-error";

export type UserFilterAttribute = "userName" | "externalId" | "id" | "emails.value";
export type GroupFilterAttribute = "displayName" | "externalId" | "id";

/** One `eq` condition; `caseExact: false` compares case-insensitively (userName, emails, displayName). */
export interface FilterCondition<A extends string> {
  attribute: A;
  value: string;
  caseExact: boolean;
}
export type UserFilterCondition = FilterCondition<UserFilterAttribute>;
export type GroupFilterCondition = FilterCondition<GroupFilterAttribute>;

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user:";
const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group:";

/** Lower-case attribute path → what it means, per resource type. */
const USER_ATTRIBUTES: Record<string, [UserFilterAttribute, boolean]> = {
  username: ["userName", false],
  externalid: ["externalId", true],
  id: ["id", true],
  "emails.value": ["emails.value", false],
  'emails[type eq "work"].value': ["emails.value", false],
};
const GROUP_ATTRIBUTES: Record<string, [GroupFilterAttribute, boolean]> = {
  displayname: ["displayName", false],
  externalid: ["externalId", true],
  id: ["id", true],
};

export function parseUserFilter(filter: string): UserFilterCondition[] {
  return parseFilter(filter, CORE_USER, USER_ATTRIBUTES);
}

export function parseGroupFilter(filter: string): GroupFilterCondition[] {
  return parseFilter(filter, CORE_GROUP, GROUP_ATTRIBUTES);
}

/** Whether a stored value meets a condition (for the checks a store makes after its index). */
export function conditionMatches(condition: FilterCondition<string>, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  return condition.caseExact
    ? stored === condition.value
    : stored.toLowerCase() === condition.value.toLowerCase();
}

function parseFilter<A extends string>(
  filter: string,
  core: string,
  known: Record<string, [A, boolean]>,
): FilterCondition<A>[] {
  const refuse = (why: string) =>
    badRequest(
      "invalidFilter",
      `The filter ${JSON.stringify(filter)} is not supported (${why}): use eq on ${supported(known)}, joined by and.`,
    );
  if (filter.trim() === "") throw refuse("it is empty");
  let branches: Record<string, unknown>[];
  try {
    branches = [...new Filter(filter)] as Record<string, unknown>[];
  } catch {
    throw refuse("it does not parse");
  }
  // scimmy expands `or` into several branches: one branch is an `and` of conditions.
  if (branches.length !== 1 || !branches[0]) throw refuse("or is not supported");
  const conditions: FilterCondition<A>[] = [];
  for (const [name, expression] of Object.entries(branches[0])) {
    // `emails[type eq "work"].value eq x` and `emails.value eq x` arrive as a nested object.
    if (isRecord(expression)) {
      const entries = Object.entries(expression).map(([sub, e]) => [sub.toLowerCase(), e] as const);
      const value = entries.find(([sub]) => sub === "value");
      const type = entries.find(([sub]) => sub === "type");
      const others = entries.filter(([sub]) => sub !== "value" && sub !== "type");
      const work = type && comparison(type[1], refuse);
      if (!value || others.length > 0 || (work && String(work).toLowerCase() !== "work"))
        throw refuse(`${name} is not a supported attribute`);
      const path = `${attributeName(name, core)}.value`;
      conditions.push(...conditionsOf(path, value[1], known, refuse));
      continue;
    }
    conditions.push(...conditionsOf(attributeName(name, core), expression, known, refuse));
  }
  return conditions;
}

function conditionsOf<A extends string>(
  path: string,
  expression: unknown,
  known: Record<string, [A, boolean]>,
  refuse: (why: string) => Error,
): FilterCondition<A>[] {
  const meaning = known[path];
  if (!meaning) throw refuse(`${path} is not a supported attribute`);
  // The same attribute twice (`a eq x and a eq y`) is a list of comparisons.
  const comparisons = Array.isArray(expression) && Array.isArray(expression[0]) ? expression : [expression];
  return comparisons.map((c) => ({
    attribute: meaning[0],
    value: comparison(c, refuse),
    caseExact: meaning[1],
  }));
}

/** The value of an `eq` comparison (`["eq", value]`); anything else is refused. */
function comparison(expression: unknown, refuse: (why: string) => Error): string {
  if (!Array.isArray(expression) || expression.length !== 2 || expression[0] !== "eq")
    throw refuse("only eq is supported");
  const value = expression[1];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return String(value);
  throw refuse("eq needs a quoted value");
}

/** `urn:…:core:2.0:User:userName` → `username` (attribute names are case-insensitive). */
function attributeName(name: string, core: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function supported(known: Record<string, [string, boolean]>): string {
  return [...new Set(Object.keys(known).map((key) => known[key]?.[0]))].join(", ");
}
