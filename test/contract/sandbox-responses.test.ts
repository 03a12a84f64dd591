/**
 * Contract: every answer the Dialpad sandbox gives on the endpoints the service uses must match
 * the response schema of Dialpad's own OpenAPI spec (vendored in ./spec). A scenario drives each
 * endpoint through its interesting shapes (empty pages, deleted users, numbers, memberships) and
 * records every 200; each endpoint is then checked against its schema. The scenario runs twice:
 * with unset fields left out (the default) and with them written as `null` (null mode).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { specValidator } from "../sandbox/support/openapi-json-schema";

const spec = JSON.parse(readFileSync(new URL("./spec/openapi.json", import.meta.url), "utf8"));
const validator = specValidator(spec);

const ENDPOINTS = [
  ["GET", "/users"],
  ["POST", "/users"],
  ["GET", "/users/{id}"],
  ["PATCH", "/users/{id}"],
  ["DELETE", "/users/{id}"],
  ["PATCH", "/users/{id}/move_office"],
  ["POST", "/users/{id}/assign_number"],
  ["POST", "/users/{id}/unassign_number"],
  ["POST", "/numbers/{number}/assign"],
  ["DELETE", "/numbers/{number}"],
  ["GET", "/offices"],
  ["GET", "/offices/{id}"],
  ["GET", "/offices/{office_id}/available_licenses"],
  ["GET", "/callcenters"],
  ["GET", "/callcenters/{id}"],
  ["GET", "/departments"],
  ["GET", "/departments/{id}"],
  ["GET", "/callcenters/{id}/operators"],
  ["POST", "/callcenters/{id}/operators"],
  ["DELETE", "/callcenters/{id}/operators"],
  ["POST", "/webhooks"],
  ["POST", "/subscriptions/changelog"],
] as const;

interface Recorded {
  status: number;
  body: unknown;
  url: string;
}

const MODES = [
  ["fields left out", false],
  ["null mode", true],
] as const;

describe.each(MODES)("sandbox responses match Dialpad's OpenAPI spec (%s)", (_mode, nullForUnset) => {
  let sandbox: Sandbox;
  const recorded = new Map<string, Recorded[]>();

  /** Calls the sandbox and files the answer under its route template. */
  async function call(method: string, template: string, path: string, body?: unknown) {
    const response = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = { status: response.status, body: await response.json(), url: path };
    const key = `${method} ${template}`;
    recorded.set(key, [...(recorded.get(key) ?? []), answer]);
    return answer.body as Record<string, never>;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({
      latencyMs: 0,
      jitterMs: 0,
      rateLimitPerSecond: 10_000,
      seedUsers: 4,
      usersPageSize: 2,
      nullForUnset,
    });
    const hq = sandbox.state.office("HQ")!.id;
    const london = sandbox.state.office("London")!.id;
    const support = sandbox.state.callCenter("Support")!.id;
    const reception = sandbox.state.department("Reception")!.id;

    // Users: pages (full, short, filtered to nothing), one user through every state.
    let cursor: string | undefined;
    do {
      const page = await call("GET", "/users", `/users${cursor ? `?cursor=${cursor}` : ""}`);
      cursor = page.cursor;
    } while (cursor);
    await call("GET", "/users", "/users?email=nobody%40example.com");
    const user = await call("POST", "/users", "/users", {
      email: "contract@example.com",
      office_id: hq,
      first_name: "Con",
      last_name: "Tract",
      license: "agents",
      auto_assign: true,
    });
    await call("POST", "/users", "/users", { email: "bare@example.com", office_id: hq });
    await call("GET", "/users", "/users?email=contract%40example.com&state=active");
    await call("POST", "/users/{id}/assign_number", `/users/${user.id}/assign_number`, { area_code: "212" });
    const second = await call("POST", "/users/{id}/assign_number", `/users/${user.id}/assign_number`, {
      number: sandbox.state.reservedNumbers("646")[0],
      primary: false,
    });
    await call("POST", "/users/{id}/unassign_number", `/users/${user.id}/unassign_number`, {
      number: second.number,
    });
    await call("POST", "/callcenters/{id}/operators", `/callcenters/${support}/operators`, {
      user_id: user.id,
      role: "admin",
    });
    await call("GET", "/callcenters/{id}/operators", `/callcenters/${support}/operators`);
    await call("GET", "/users/{id}", `/users/${user.id}`);
    // A number handed to a department, a call center and an office, then back to the pool and released.
    const handed = encodeURIComponent(sandbox.state.reservedNumbers("415")[5]!);
    for (const [target_type, target_id] of [
      ["user", user.id],
      ["department", reception],
      ["callcenter", support],
      ["office", hq],
    ])
      await call("POST", "/numbers/{number}/assign", `/numbers/${handed}/assign`, { target_id, target_type });
    await call("GET", "/offices/{id}", `/offices/${hq}`);
    await call("GET", "/callcenters/{id}", `/callcenters/${support}`);
    await call("GET", "/departments/{id}", `/departments/${reception}`);
    await call("DELETE", "/numbers/{number}", `/numbers/${handed}`);
    await call("DELETE", "/numbers/{number}", `/numbers/${handed}?release=true`);
    await call("PATCH", "/users/{id}/move_office", `/users/${user.id}/move_office`, { office_id: london });
    await call("PATCH", "/users/{id}/move_office", `/users/${user.id}/move_office`, { office_id: hq });
    await call("PATCH", "/users/{id}", `/users/${user.id}`, {
      job_title: "Tester",
      admin_office_ids: [hq],
      is_super_admin: true,
      forwarding_numbers: ["+14155550100"],
    });
    await call("PATCH", "/users/{id}", `/users/${user.id}`, { state: "suspended" });
    await call("DELETE", "/callcenters/{id}/operators", `/callcenters/${support}/operators`, {
      user_id: user.id,
    });
    await call("GET", "/callcenters/{id}/operators", `/callcenters/${support}/operators`);
    await call("DELETE", "/users/{id}", `/users/${user.id}`);
    await call("GET", "/users/{id}", `/users/${user.id}`);
    await call("GET", "/users", "/users?state=deleted");

    // Offices, seats and call centers, every page.
    cursor = undefined;
    do {
      const page = await call("GET", "/offices", `/offices${cursor ? `?cursor=${cursor}` : ""}`);
      cursor = page.cursor;
    } while (cursor);
    await call("GET", "/offices/{office_id}/available_licenses", `/offices/${hq}/available_licenses`);
    await call("GET", "/callcenters", "/callcenters");
    await call("GET", "/callcenters", `/callcenters?office_id=${hq}`);
    await call("GET", "/departments", "/departments");
    await call("GET", "/departments", `/departments?office_id=${london}`);

    // Webhooks with and without a secret.
    const signed = await call("POST", "/webhooks", "/webhooks", {
      hook_url: "http://127.0.0.1:9/a",
      secret: "s3cret",
    });
    await call("POST", "/webhooks", "/webhooks", { hook_url: "http://127.0.0.1:9/b" });
    await call("POST", "/subscriptions/changelog", "/subscriptions/changelog", {
      endpoint_id: signed.id,
      enabled: true,
    });
  });
  afterAll(() => sandbox.stop());

  it.each(ENDPOINTS)("%s %s", (method, template) => {
    const answers = recorded.get(`${method} ${template}`) ?? [];
    expect(answers.length, "the scenario must exercise this endpoint").toBeGreaterThan(0);
    const validate = validator.response(`/api/v2${template}`, method);
    for (const answer of answers) {
      expect(answer.status, `${method} ${answer.url}: ${JSON.stringify(answer.body)}`).toBe(200);
      const valid = validate(answer.body);
      expect(valid ? [] : validate.errors, `${method} ${answer.url}: ${JSON.stringify(answer.body)}`).toEqual(
        [],
      );
    }
  });

  it("covered the interesting shapes: an empty last page, a deleted user, numbers and memberships", () => {
    const userPages = recorded.get("GET /users")!.map((a) => a.body);
    expect(userPages).toContainEqual(nullForUnset ? { items: null, cursor: null } : {});
    const deleted = recorded.get("DELETE /users/{id}")![0]!.body as Record<string, unknown>;
    expect(deleted).toMatchObject({ state: "deleted" });
    const users = recorded.get("GET /users/{id}")!.map((a) => a.body as Record<string, unknown>);
    expect(users[0]).toHaveProperty("phone_numbers");
    expect(users[0]).toHaveProperty("group_details");
    // Null mode writes every unset field of the proto as null; the default leaves it out.
    expect((users[0] as Record<string, unknown>).image_url).toBe(nullForUnset ? null : undefined);
  });
});

describe("the converted schemas can fail", () => {
  const user = validator.component("schemas.user.UserProto");
  it.each([
    ["a non-integer id", { id: 5.5 }],
    ["a non-numeric id string", { id: "abc" }],
    ["a field the spec does not have", { email: "x@example.com" }],
    ["a state outside the enum", { state: "gone" }],
    ["a group detail with an unknown type", { group_details: [{ group_type: "club" }] }],
  ])("rejects %s", (_, body) => {
    expect(user(body)).toBe(false);
  });

  it("accepts string and numeric int64 ids, nulls where nullable, and zoneless timestamps", () => {
    expect(
      user({ id: "5137304475768569001", office_id: 12, emails: null, date_added: "2021-06-20T19:18:00" }),
    ).toBe(true);
  });
});
