/**
 * Property-based contract: for every operation the client uses, 200 bodies generated from the
 * vendored spec's response schema (nulls, missing optionals, int64 ids as strings above 2^53, empty
 * arrays, unknown extra fields) must be parsed by `DialpadClient` without an error, with every long
 * id kept digit for digit and no `null` left in a field our schemas name (null is absent).
 * The client gets the body through its `fetch` option: no server, so hundreds of runs stay cheap.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DialpadApi } from "../../shared/dialpad/api";
import { DialpadClient } from "../../shared/dialpad/client";
import { type SpecDocument, specArbitraries } from "./spec-arbitrary";

const spec = JSON.parse(
  readFileSync(new URL("./spec/openapi.json", import.meta.url), "utf8"),
) as SpecDocument;
const arbitraries = specArbitraries(spec);
const RUNS = 200;
const EMAIL = "ada@example.com";

const drain = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

interface Case {
  method: string;
  path: string;
  call: (api: DialpadApi) => Promise<unknown>;
}

/** Keyed by every method of the port: a method added to `DialpadApi` without a case fails to compile. */
const CASES: Record<keyof DialpadApi, Case> = {
  findUsersByEmail: {
    method: "GET",
    path: "/api/v2/users",
    call: (api) => api.findUsersByEmail(EMAIL, "all"),
  },
  getUser: { method: "GET", path: "/api/v2/users/{id}", call: (api) => api.getUser("1") },
  listUsers: {
    method: "GET",
    path: "/api/v2/users",
    call: (api) => drain(api.listUsers({ state: "all" })),
  },
  listUsersPage: {
    method: "GET",
    path: "/api/v2/users",
    call: async (api) => (await api.listUsersPage(undefined, { state: "all" })).users,
  },
  createUser: {
    method: "POST",
    path: "/api/v2/users",
    call: (api) => api.createUser({ email: EMAIL, office_id: "1" }),
  },
  updateUser: {
    method: "PATCH",
    path: "/api/v2/users/{id}",
    call: (api) => api.updateUser("1", { first_name: "Ada" }),
  },
  moveOffice: {
    method: "PATCH",
    path: "/api/v2/users/{id}/move_office",
    call: (api) => api.moveOffice("1", "2"),
  },
  deleteUser: { method: "DELETE", path: "/api/v2/users/{id}", call: (api) => api.deleteUser("1") },
  assignNumber: {
    method: "POST",
    path: "/api/v2/users/{id}/assign_number",
    call: (api) => api.assignNumber("1", { area_code: "415" }),
  },
  unassignNumber: {
    method: "POST",
    path: "/api/v2/users/{id}/unassign_number",
    call: (api) => api.unassignNumber("1", "+14155550100"),
  },
  assignNumberToTarget: {
    method: "POST",
    path: "/api/v2/numbers/{number}/assign",
    call: (api) => api.assignNumberToTarget("+14155550100", { target_id: "2", target_type: "department" }),
  },
  unassignNumberFromHolder: {
    method: "DELETE",
    path: "/api/v2/numbers/{number}",
    call: (api) => api.unassignNumberFromHolder("+14155550100", { release: true }),
  },
  listOffices: { method: "GET", path: "/api/v2/offices", call: (api) => drain(api.listOffices()) },
  getOffice: { method: "GET", path: "/api/v2/offices/{id}", call: (api) => api.getOffice("1") },
  getAvailableLicenses: {
    method: "GET",
    path: "/api/v2/offices/{office_id}/available_licenses",
    call: (api) => api.getAvailableLicenses("1"),
  },
  listCallCenters: {
    method: "GET",
    path: "/api/v2/callcenters",
    call: (api) => drain(api.listCallCenters()),
  },
  getCallCenter: { method: "GET", path: "/api/v2/callcenters/{id}", call: (api) => api.getCallCenter("1") },
  listDepartments: {
    method: "GET",
    path: "/api/v2/departments",
    call: (api) => drain(api.listDepartments()),
  },
  getDepartment: { method: "GET", path: "/api/v2/departments/{id}", call: (api) => api.getDepartment("1") },
  listOperators: {
    method: "GET",
    path: "/api/v2/callcenters/{id}/operators",
    call: (api) => api.listOperators("1"),
  },
  addOperator: {
    method: "POST",
    path: "/api/v2/callcenters/{id}/operators",
    call: (api) => api.addOperator("1", { user_id: "2" }),
  },
  removeOperator: {
    method: "DELETE",
    path: "/api/v2/callcenters/{id}/operators",
    call: (api) => api.removeOperator("1", "2"),
  },
  createWebhook: {
    method: "POST",
    path: "/api/v2/webhooks",
    call: (api) => api.createWebhook("https://hooks.example.com/dialpad", "secret"),
  },
  subscribeToChangelog: {
    method: "POST",
    path: "/api/v2/subscriptions/changelog",
    call: (api) => api.subscribeToChangelog("1"),
  },
};

/** A client whose every request answers `body` first, then an empty last page (for cursors). */
function clientAnswering(body: unknown): DialpadApi {
  let served = false;
  const fetch = (async () => {
    const text = JSON.stringify(served ? {} : body);
    served = true;
    return new Response(text, { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
  return new DialpadClient({
    baseUrl: "https://dialpad.test/api/v2",
    apiKey: { get: async () => "generated-key", refresh: async () => "generated-key" },
    maxAttempts: 1,
    fetch,
  });
}

/** A user found by email owns that email: where a generated user lists emails, it gets this one too. */
function ownsTheEmail(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return body;
  const page = body as { items?: unknown };
  if (!Array.isArray(page.items)) return body;
  const items = page.items.map((user) => {
    const emails = (user as { emails?: unknown }).emails;
    return Array.isArray(emails) ? { ...(user as object), emails: [...emails, EMAIL] } : user;
  });
  return { ...page, items };
}

/** `id`, `office_id`, `admin_office_ids[]`...: the fields whose value is a Dialpad id. */
const isIdField = (key: string) => key === "id" || key.endsWith("_id") || key.endsWith("_ids");

/**
 * What the client lost: an id of the body that is not in the result, digit for digit, at the same
 * place, or a `null` in the result where the body had one (null must read as absent). Items of a
 * list are matched by id, since look-ups filter some out.
 */
function losses(sent: unknown, got: unknown, path = "$", idField = false): string[] {
  if (idField && (typeof sent === "string" || typeof sent === "number")) {
    // Fields our schemas do not name pass through as sent; named ones become strings.
    const kept = got === undefined || got === sent || got === String(sent);
    return kept ? [] : [`${path}: ${sent} became ${JSON.stringify(got)}`];
  }
  if (sent === null) return got === null ? [`${path}: null kept, not read as absent`] : [];
  if (typeof sent !== "object" || typeof got !== "object" || got === null) return [];
  if (Array.isArray(sent)) {
    if (!Array.isArray(got)) return [];
    const idOf = (item: unknown) =>
      typeof item === "object" && item !== null && "id" in item ? String(item.id) : undefined;
    return got.flatMap((item, i) => {
      const id = idOf(item);
      const source = (id !== undefined && sent.find((candidate) => idOf(candidate) === id)) || sent[i];
      return losses(source, item, `${path}[${i}]`, idField);
    });
  }
  return Object.entries(sent as Record<string, unknown>).flatMap(([key, value]) =>
    losses(value, (got as Record<string, unknown>)[key], `${path}.${key}`, isIdField(key)),
  );
}

/** The body as the client sees it: pages and operator lists are unwrapped by the calls above. */
function comparable(name: keyof DialpadApi, body: unknown): unknown {
  if (
    [
      "findUsersByEmail",
      "listUsers",
      "listUsersPage",
      "listOffices",
      "listCallCenters",
      "listDepartments",
    ].includes(name)
  ) {
    return (body as { items?: unknown } | null)?.items ?? [];
  }
  return body;
}

describe(`the client parses ${RUNS} spec-valid generated responses per operation`, () => {
  it.each(Object.entries(CASES) as [keyof DialpadApi, Case][])("%s", async (name, { method, path, call }) => {
    const bodies =
      name === "findUsersByEmail"
        ? arbitraries.response(method, path).map(ownsTheEmail)
        : arbitraries.response(method, path);
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const result = await call(clientAnswering(body));
        expect(losses(comparable(name, body), result)).toEqual([]);
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20_260_301) },
    );
  });
});

describe("the generator covers what breaks clients", () => {
  it("produces nulls, missing fields, ids above 2^53, empty arrays and unknown fields", () => {
    const users = fc.sample(arbitraries.component("schemas.user.UserProto"), {
      numRuns: 300,
      seed: 7,
    }) as Record<string, unknown>[];
    expect(users.some((u) => u.phone_numbers === null)).toBe(true);
    expect(users.some((u) => !("emails" in u))).toBe(true);
    expect(users.some((u) => typeof u.id === "string" && BigInt(u.id as string) > 2n ** 53n)).toBe(true);
    expect(users.some((u) => Array.isArray(u.emails) && u.emails.length === 0)).toBe(true);
    expect(users.some((u) => Object.keys(u).some((k) => k.startsWith("x_")))).toBe(true);
    expect(users.every((u) => u.id !== null && u.id !== undefined)).toBe(true);
  });

  it("the loss check sees a rounded id and a kept null", () => {
    expect(losses({ id: "5137304475768569001" }, { id: "5137304475768569000" })).toHaveLength(1);
    expect(
      losses({ id: "5137304475768569001", emails: null }, { id: "5137304475768569001", emails: null }),
    ).toEqual(["$.emails: null kept, not read as absent"]);
    expect(losses({ id: "5137304475768569001", emails: null }, { id: "5137304475768569001" })).toEqual([]);
  });
});
