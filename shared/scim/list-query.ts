/**
 * SCIM list queries and answers (RFC 7644 §3.4.2): the window (1-based `startIndex`, below 1 counts
 * as 1; `count` 100 by default and at most, 0 answers only `totalResults`), `attributes` /
 * `excludedAttributes` for top-level attributes (extension attributes by their full name), and the
 * ListResponse with integer paging fields (Okta's SPEC test rejects strings).
 */
import { badRequest } from "./scim-error";

export const SCIM_LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const MAX_RESULTS = 100;

export interface ListWindow {
  /** 1-based. */
  startIndex: number;
  /** 0 to MAX_RESULTS. */
  count: number;
}

/** Which attributes an answer carries: `attributes` (only these) or `excludedAttributes` (all but). */
export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

export type ListQuery = ListWindow & Projection;

type Query = Record<string, unknown>;

export function parseListQuery(query: Query): ListQuery {
  return { ...listWindow(query), ...parseProjection(query) };
}

export function listWindow(query: Query): ListWindow {
  const startIndex = whole(query, "startIndex", 1);
  const count = whole(query, "count", MAX_RESULTS);
  // RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
  return { startIndex: Math.max(1, startIndex), count: Math.min(MAX_RESULTS, Math.max(0, count)) };
}

export function parseProjection(query: Query): Projection {
  const attributes = names(query, "attributes");
  const excludedAttributes = names(query, "excludedAttributes");
  if (attributes && excludedAttributes)
    throw badRequest("invalidSyntax", "Send attributes or excludedAttributes, not both.");
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** Attributes answered whatever is asked (RFC 7643 §7 `returned: always`, and what IdPs key on). */
const ALWAYS = new Set(["id", "schemas", "meta"]);

/**
 * The resource with only the asked attributes. Names compare case-insensitively; a name qualified
 * by a core schema URN means the attribute, by an extension URN the attribute inside that
 * extension's object (the extension URN alone: the whole object); a dotted name (`name.givenName`)
 * selects its top-level attribute.
 */
export function project<T extends Record<string, unknown>>(resource: T, projection: Projection): T {
  const { attributes, excludedAttributes } = projection;
  if (!attributes && !excludedAttributes) return resource;
  const wanted = (attributes ?? excludedAttributes ?? []).map(parseName);
  const keep = attributes !== undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (ALWAYS.has(lower)) {
      out[key] = value;
      continue;
    }
    if (lower.startsWith("urn:") && isRecord(value)) {
      const extension = projectExtension(lower, value, wanted, keep);
      if (extension) out[key] = extension;
      continue;
    }
    const named = wanted.some((name) => name.extension === undefined && name.attribute === lower);
    if (named === keep) out[key] = value;
  }
  return out as T;
}

function projectExtension(
  urn: string,
  value: Record<string, unknown>,
  wanted: AttributeName[],
  keep: boolean,
): Record<string, unknown> | undefined {
  const mine = wanted.filter((name) => name.extension === urn);
  if (mine.some((name) => name.attribute === undefined)) return keep ? value : undefined;
  const inner: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const named = mine.some((name) => name.attribute === key.toLowerCase());
    if (named === keep) inner[key] = v;
  }
  return Object.keys(inner).length > 0 ? inner : undefined;
}

export interface ListResponse<T> {
  schemas: [typeof SCIM_LIST_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources?: T[];
}

/** The ListResponse of one page; `count=0` answers only the total. */
export function listResponse<T extends Record<string, unknown>>(
  page: readonly T[],
  totalResults: number,
  query: ListWindow & Projection,
): ListResponse<T> {
  const resources = query.count === 0 ? [] : page.slice(0, query.count).map((r) => project(r, query));
  return {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults,
    startIndex: query.startIndex,
    itemsPerPage: resources.length,
    ...(query.count === 0 ? {} : { Resources: resources }),
  };
}

interface AttributeName {
  /** The extension schema URN (lower case), for extension attributes. */
  extension?: string;
  /** The top-level attribute (lower case); absent: the whole extension. */
  attribute?: string;
}

const CORE = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/;
const EXTENSION = /^(urn:.*:(?:user|group))(?::([^:]+))?$/;

function parseName(raw: string): AttributeName {
  const lower = raw.trim().toLowerCase();
  const local = lower.replace(CORE, "");
  if (local.startsWith("urn:")) {
    const match = EXTENSION.exec(local);
    if (!match?.[1]) return { extension: local };
    return match[2] ? { extension: match[1], attribute: topLevel(match[2]) } : { extension: match[1] };
  }
  return { attribute: topLevel(local) };
}

const topLevel = (path: string) => path.split(/[.[]/)[0] ?? path;

function names(query: Query, key: string): string[] | undefined {
  const raw = query[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") throw badRequest("invalidValue", `${key} must be a comma-separated list.`);
  const list = raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return list.length > 0 ? list : undefined;
}

function whole(query: Query, key: string, fallback: number): number {
  const raw = query[key];
  if (raw === undefined || raw === null || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value)) throw badRequest("invalidValue", `${key} must be a whole number.`);
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
