/**
 * /__sandbox/ over HTTP, as an end-to-end test in another process drives it: stats and their
 * reset, faults, by-hand admin actions, state, seeding and run-time settings. No auth needed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { controlHttp, dialpadHttp, FAST, type Json } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let control: ReturnType<typeof controlHttp>;

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
  api = dialpadHttp(sandbox);
  control = controlHttp(sandbox);
});
afterEach(() => sandbox.stop());

describe("stats", () => {
  it("reports totals, routes, statuses and the last requests (with DELETE bodies), never the key", async () => {
    const support = sandbox.state.callCenter("Support")!.id;
    await api.get("/users?email=a%40example.com");
    await api.delete(`/callcenters/${support}/operators`, { user_id: "5137304475768569999" });
    await api.get("/nowhere");

    const stats = (await control.get("/stats")).body;
    expect(stats.totalRequests).toBe(3);
    expect(stats.requestsByRoute).toMatchObject({
      "GET /users": 1,
      "DELETE /callcenters/{id}/operators": 1,
      "GET (unknown route)": 1,
    });
    expect(stats.responsesByStatus).toMatchObject({ "200": 1, "404": 2 });
    expect(stats.recentRequests[0]).toMatchObject({
      method: "GET",
      path: "/users",
      query: { email: "a@example.com" },
      status: 200,
    });
    expect(stats.recentRequests[1]).toMatchObject({
      method: "DELETE",
      path: `/callcenters/${support}/operators`,
      body: { user_id: "5137304475768569999" },
    });
    expect(Date.parse(stats.recentRequests[0].at)).not.toBeNaN();
    expect(JSON.stringify(stats)).not.toContain(sandbox.apiKey);

    expect((await control.post("/stats/reset")).status).toBe(200);
    expect((await control.get("/stats")).body).toMatchObject({ totalRequests: 0, recentRequests: [] });
  });
});

describe("faults", () => {
  it("injects one rule or a list over HTTP, and clears them", async () => {
    await control.post("/faults", [
      { kind: "error", status: 502, route: "/offices" },
      { kind: "rate-limit" },
    ]);
    expect((await api.get("/offices")).status).toBe(502);
    expect((await api.get("/users")).status).toBe(429);
    await control.post("/faults", { kind: "timeout", count: 5 });
    await control.delete("/faults");
    expect((await api.get("/offices")).status).toBe(200);
    expect((await control.post("/faults", { kind: "error", status: 302 })).status).toBe(400);
    // A 4xx fault stands for a refusal Dialpad might word or number otherwise than we assume.
    expect((await control.post("/faults", { kind: "error", status: 400, route: "/offices" })).status).toBe(
      200,
    );
    expect((await api.get("/offices")).status).toBe(400);
  });
});

describe("by hand", () => {
  it("creates, suspends, reactivates and deletes users, and removes operators, answering UserProto", async () => {
    const created = await control.post("/by-hand/users", {
      email: "admin-made@example.com",
      first_name: "Ad",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ emails: ["admin-made@example.com"], state: "active" });
    const id: string = created.body.id;
    expect((await api.get(`/users?email=admin-made%40example.com`)).body.items[0].id).toBe(id);

    const support = sandbox.state.callCenter("Support")!.id;
    await api.post(`/callcenters/${support}/operators`, { user_id: id });
    const removed = await control.post(`/by-hand/callcenters/${support}/operators/remove`, { user_id: id });
    expect(removed.body).not.toHaveProperty("group_details");

    expect((await control.post(`/by-hand/users/${id}/suspend`)).body.state).toBe("suspended");
    expect((await control.post(`/by-hand/users/${id}/reactivate`)).body.state).toBe("active");
    expect((await control.post(`/by-hand/users/${id}/delete`)).body.state).toBe("deleted");
    expect((await control.post(`/by-hand/users/${id}/delete`)).status).toBe(404);
    expect((await control.post("/by-hand/users", { email: "x@example.com", office_id: "1" })).status).toBe(
      404,
    );
  });
});

describe("state, seed and config", () => {
  it("shows users, seats, numbers and call centers", async () => {
    const state = (await control.get("/state")).body;
    expect(state.offices.map((o: Json) => o.name).slice(0, 2)).toEqual(["HQ", "Remote"]);
    expect(state.offices[0].availableSeats).toEqual({
      talk_lines: 1000,
      sell_lines: 200,
      contact_center_lines: 100,
    });
    expect(state.callCenters.map((c: Json) => c.name)).toEqual([
      "Support",
      "Sales",
      "Remote Support",
      "London Support",
    ]);
    expect(state.numbers.length).toBeGreaterThanOrEqual(200);
    expect(state.users).toEqual([]);
  });

  it("seeds users and sets an office's seats", async () => {
    const remote = sandbox.state.office("Remote")!.id;
    const seeded = await control.post("/seed", {
      users: { count: 3, office_id: remote, license: "agents" },
      seats: { office_id: remote, talk_lines: 0 },
    });
    expect(seeded.body.userIds).toHaveLength(3);
    expect(sandbox.state.availableSeats(remote)).toEqual({
      talk_lines: 0,
      sell_lines: 197,
      contact_center_lines: 100,
    });
    const refused = await api.post("/users", { email: "late@example.com", office_id: remote });
    expect(refused.body.error.message).toBe(`No available licenses for talk_lines in office ${remote}`);
    expect((await control.post("/seed", { seats: { office_id: remote, talk_lines: -1 } })).status).toBe(400);
  });

  it("changes settings at run time", async () => {
    const changed = await control.post("/config", { rateLimitPerSecond: 2, usersPageSize: 1 });
    expect(changed.body).toMatchObject({ rateLimitPerSecond: 2, usersPageSize: 1 });
    const statuses = (await Promise.all([1, 2, 3].map(() => api.get("/offices")))).map((a) => a.status);
    expect(statuses.sort()).toEqual([200, 200, 429]);
    expect((await control.post("/config", { bogus: true })).status).toBe(400);
  });

  it("answers 404 for an unknown control route", async () => {
    expect((await control.get("/nope")).status).toBe(404);
  });
});
