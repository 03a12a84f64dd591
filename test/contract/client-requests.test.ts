/**
 * Contract: every request `DialpadClient` can build hits an operation of Dialpad's own OpenAPI
 * spec (method + path under /api/v2), with path and query parameters the operation declares and a
 * JSON body that validates against its request schema; `/users` never gets a `limit`. The
 * recording server answers with the spec's example responses, so the client's response schemas are
 * checked against Dialpad's examples too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DialpadApi } from "../../shared/dialpad/api";
import { DialpadClient } from "../../shared/dialpad/client";
import { loadSpec } from "../dialpad/openapi-spec";
import { type RecordedRequest, type ScriptedServer, startScriptedServer } from "../dialpad/scripted-server";

const spec = loadSpec();
let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer((request) => {
    const hit = spec.find(request.method, request.path);
    if (hit === undefined)
      return { status: 404, json: { error: { message: "no such operation in the spec" } } };
    const example = hit.operation.responseExample;
    // One page only: the examples carry a cursor, which would send the client round in circles.
    if (example !== null && typeof example === "object" && "items" in example) {
      return { status: 200, json: { ...example, cursor: undefined } };
    }
    // Operations without an example (move_office) answer the smallest body our schemas accept.
    return { status: 200, json: example ?? { id: "5137304475768569001" } };
  });
});
afterAll(() => server.stop());

const client = () =>
  new DialpadClient({
    baseUrl: server.baseUrl,
    apiKey: { get: async () => "contract-key", refresh: async () => "contract-key" },
    maxAttempts: 1,
  });

const drain = async (items: AsyncIterable<unknown>) => {
  for await (const _ of items);
};

/** Keyed by every method of the port: a method added to `DialpadApi` without a case here fails to compile. */
const calls: Record<keyof DialpadApi, ((api: DialpadApi) => Promise<unknown>)[]> = {
  findUsersByEmail: [
    (api) => api.findUsersByEmail("ada@example.com"),
    (api) => api.findUsersByEmail("a@x.io", "active"),
    (api) => api.findUsersByEmail("a@x.io", "all"),
  ],
  getUser: [(api) => api.getUser("5137304475768569")],
  listUsers: [
    (api) => drain(api.listUsers()),
    (api) => drain(api.listUsers({ state: "suspended" })),
    (api) => drain(api.listUsers({ state: "all" })),
  ],
  listUsersPage: [
    (api) => api.listUsersPage(undefined),
    (api) => api.listUsersPage("c2Vjb25k", { state: "active" }),
  ],
  createUser: [
    (api) => api.createUser({ email: "ada@example.com", office_id: "124" }),
    (api) =>
      api.createUser({
        email: "ada@example.com",
        office_id: "6422934115149452",
        first_name: "Ada",
        last_name: "Lovelace",
        license: "agents",
        auto_assign: false,
      }),
  ],
  updateUser: [
    (api) => api.updateUser("1", { state: "suspended" }),
    (api) =>
      api.updateUser("1", {
        state: "active",
        first_name: "Ada",
        last_name: "King",
        extension: "2001",
        license: "talk",
        office_id: "124",
        emails: ["ada@example.com"],
        phone_numbers: ["+14155550100"],
        admin_office_ids: ["124"],
        is_super_admin: false,
        job_title: "Analyst",
        forwarding_numbers: ["+14155550199"],
        keep_paid_numbers: true,
      }),
  ],
  moveOffice: [(api) => api.moveOffice("1", "6422934115149452")],
  deleteUser: [(api) => api.deleteUser("1")],
  assignNumber: [
    (api) => api.assignNumber("1", { area_code: "415", primary: true }),
    (api) => api.assignNumber("1", { number: "+14155551002" }),
  ],
  unassignNumber: [(api) => api.unassignNumber("1", "+14155551002")],
  assignNumberToTarget: [
    (api) => api.assignNumberToTarget("+14155551002", { target_id: "1", target_type: "user" }),
    (api) =>
      api.assignNumberToTarget("+14155551002", {
        target_id: "5137304475768569001",
        target_type: "department",
        primary: false,
      }),
    (api) => api.assignNumberToTarget("+442079461000", { target_id: "7", target_type: "callcenter" }),
    (api) => api.assignNumberToTarget("+442079461000", { target_id: "7", target_type: "office" }),
  ],
  unassignNumberFromHolder: [
    (api) => api.unassignNumberFromHolder("+14155551002"),
    (api) => api.unassignNumberFromHolder("+14155551002", { release: true }),
  ],
  listOffices: [(api) => drain(api.listOffices())],
  getOffice: [(api) => api.getOffice("124")],
  getAvailableLicenses: [(api) => api.getAvailableLicenses("124")],
  listCallCenters: [
    (api) => drain(api.listCallCenters()),
    (api) => drain(api.listCallCenters({ officeId: "124" })),
  ],
  getCallCenter: [(api) => api.getCallCenter("1000")],
  listDepartments: [
    (api) => drain(api.listDepartments()),
    (api) => drain(api.listDepartments({ officeId: "124" })),
  ],
  getDepartment: [(api) => api.getDepartment("5137304475768569001")],
  listOperators: [(api) => api.listOperators("1000")],
  addOperator: [
    (api) => api.addOperator("1000", { user_id: "1" }),
    (api) =>
      api.addOperator("1000", {
        user_id: "1",
        role: "supervisor",
        skill_level: 80,
        license_type: "lite_support_agents",
        keep_paid_numbers: false,
      }),
  ],
  removeOperator: [(api) => api.removeOperator("1000", "1")],
  createWebhook: [(api) => api.createWebhook("https://hooks.example.com/dialpad", "webhook-secret")],
  subscribeToChangelog: [(api) => api.subscribeToChangelog("1000")],
};

/** Everything wrong with one request against the spec; empty when it conforms. */
function contractProblems(request: RecordedRequest): string[] {
  const hit = spec.find(request.method, request.path);
  if (hit === undefined) return [`${request.method} ${request.path} is not an operation of the spec`];
  const { operation, pathParams } = hit;
  const problems: string[] = [];
  const where = `${operation.method} ${operation.template}`;
  for (const parameter of operation.parameters.filter((p) => p.in === "path")) {
    const value = pathParams[parameter.name];
    const problem = value === undefined ? "missing" : operation.validateParameter(parameter, value);
    if (problem) problems.push(`${where} path {${parameter.name}}: ${problem}`);
  }
  for (const [name, value] of request.query) {
    const parameter = operation.parameters.find((p) => p.in === "query" && p.name === name);
    if (parameter === undefined) {
      problems.push(`${where} does not declare query parameter ${name}`);
      continue;
    }
    const problem = operation.validateParameter(parameter, value);
    if (problem) problems.push(`${where} query ${name}: ${problem}`);
  }
  if (request.path === "/api/v2/users" && request.query.has("limit")) problems.push("limit sent to /users");
  if (request.rawBody !== "") {
    const problem =
      request.headers["content-type"] === "application/json"
        ? operation.validateBody(request.body)
        : "body is not declared as JSON";
    if (problem) problems.push(`${where} body ${request.rawBody}: ${problem}`);
  } else if (operation.takesBody && request.method !== "GET") {
    const problem = operation.validateBody({});
    if (problem) problems.push(`${where} sent no body but the spec requires one: ${problem}`);
  }
  return problems;
}

describe("DialpadClient requests against Dialpad's OpenAPI spec", () => {
  const cases = Object.entries(calls).flatMap(([name, variants]) =>
    variants.map((call, i) => [`${name} #${i + 1}`, call] as const),
  );

  it.each(cases)("%s conforms", async (_name, call) => {
    const before = server.requests.length;
    await call(client());
    const sent = server.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.flatMap(contractProblems)).toEqual([]);
  });

  it("removeOperator puts user_id in the DELETE body, as the spec requires", async () => {
    const before = server.requests.length;
    await client().removeOperator("1000", "42");
    const [request] = server.requests.slice(before);
    expect(request?.method).toBe("DELETE");
    expect(request?.body).toEqual({ user_id: "42" });
  });

  it("the checker catches what it is meant to catch", () => {
    const request = (method: string, path: string, body?: unknown, query = ""): RecordedRequest => ({
      method,
      path,
      query: new URLSearchParams(query),
      headers: { "content-type": "application/json" },
      rawBody: body === undefined ? "" : JSON.stringify(body),
      body,
    });
    expect(contractProblems(request("GET", "/api/v2/users/ada@example.com/profile"))).toHaveLength(1);
    expect(contractProblems(request("PUT", "/api/v2/users/1"))).toHaveLength(1);
    expect(contractProblems(request("GET", "/api/v2/users", undefined, "limit=100"))).not.toEqual([]);
    expect(contractProblems(request("GET", "/api/v2/users", undefined, "state=gone"))).not.toEqual([]);
    expect(contractProblems(request("POST", "/api/v2/users", { email: "a@x.io" }))).not.toEqual([]);
    expect(
      contractProblems(request("POST", "/api/v2/users", { email: "a@x.io", office_id: "12a" })),
    ).not.toEqual([]);
    expect(
      contractProblems(request("POST", "/api/v2/users", { email: "a@x.io", office_id: "1", mail: "x" })),
    ).not.toEqual([]);
    expect(contractProblems(request("DELETE", "/api/v2/callcenters/1/operators", {}))).not.toEqual([]);
    expect(
      contractProblems(request("POST", "/api/v2/users/x/unassign_number", { number: "+1" })),
    ).not.toEqual([]);
    // Accepted: ids as digit strings or integers, nullable fields as null.
    expect(contractProblems(request("POST", "/api/v2/users", { email: "a@x.io", office_id: 12 }))).toEqual(
      [],
    );
    expect(
      contractProblems(request("POST", "/api/v2/users", { email: "a@x.io", office_id: "12", license: null })),
    ).toEqual([]);
  });
});
