/**
 * Users over HTTP: auth, create/get/update/delete, 409 on a live duplicate email, seats consumed
 * and freed by create/suspend/reactivate/delete, wire rules (string ids above 2^53, omitted fields).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { dialpadHttp, FAST } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let hqId: string;

beforeEach(async () => {
  sandbox = await startSandbox({ ...FAST, seats: { talk_lines: 3, sell_lines: 1, contact_center_lines: 0 } });
  api = dialpadHttp(sandbox);
  hqId = sandbox.state.office("HQ")!.id;
});
afterEach(() => sandbox.stop());

const talkSeats = () => sandbox.state.availableSeats(hqId).talk_lines;

describe("auth", () => {
  it("answers 401 without a key and with a wrong key, in Dialpad's error shape", async () => {
    const missing = await fetch(`${sandbox.baseUrl}/users`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { code: 401, message: expect.any(String) } });
    expect((await dialpadHttp(sandbox, "wrong-key").get("/users")).status).toBe(401);
    expect((await api.get("/users")).status).toBe(200);
  });

  it("never echoes the key in an error", async () => {
    const answer = await dialpadHttp(sandbox, "super-secret-wrong-key").get("/users");
    expect(JSON.stringify(answer.body)).not.toContain("super-secret");
  });
});

describe("POST /users", () => {
  it("creates an active user with 200, a string id above 2^53, and omits unset fields", async () => {
    const created = await api.post("/users", {
      email: "ada@example.com",
      office_id: hqId,
      first_name: "Ada",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      emails: ["ada@example.com"],
      office_id: hqId,
      state: "active",
      license: "talk",
      first_name: "Ada",
    });
    expect(typeof created.body.id).toBe("string");
    expect(BigInt(created.body.id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(created.body).not.toHaveProperty("last_name");
    expect(created.body).not.toHaveProperty("phone_numbers");
    expect(created.body).not.toHaveProperty("email");
    expect(Object.values(created.body)).not.toContain(null);
    expect(created.body.date_added).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("accepts the office id as a JSON number, even one beyond 2^53", async () => {
    const raw = `{"email":"big@example.com","office_id":${hqId}}`;
    const created = await api.post("/users", raw);
    expect(created.status).toBe(200);
    expect(created.body.office_id).toBe(hqId);
  });

  it("answers 400 when email or office_id is missing, 404 for an unknown office", async () => {
    expect((await api.post("/users", { office_id: hqId })).status).toBe(400);
    const noOffice = await api.post("/users", { email: "x@example.com" });
    expect(noOffice.status).toBe(400);
    expect(noOffice.body.error.message).toContain("office_id");
    expect((await api.post("/users", { email: "x@example.com", office_id: "42" })).status).toBe(404);
    expect(
      (await api.post("/users", { email: "x@example.com", office_id: hqId, license: "gold" })).status,
    ).toBe(400);
    expect((await api.post("/users", "{not json")).status).toBe(400);
  });

  it("answers 409 when a live user already has the email, but not once that user is deleted", async () => {
    const first = await api.post("/users", { email: "dup@example.com", office_id: hqId });
    const dup = await api.post("/users", { email: "DUP@example.com", office_id: hqId });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe(409);

    await api.patch(`/users/${first.body.id}`, { state: "suspended" });
    expect((await api.post("/users", { email: "dup@example.com", office_id: hqId })).status).toBe(409);

    await api.delete(`/users/${first.body.id}`);
    expect((await api.post("/users", { email: "dup@example.com", office_id: hqId })).status).toBe(200);
  });

  it("consumes a seat of the licence's line and answers 400 'No available licenses' when none is left", async () => {
    for (const n of [1, 2, 3]) {
      expect((await api.post("/users", { email: `u${n}@example.com`, office_id: hqId })).status).toBe(200);
    }
    expect(talkSeats()).toBe(0);
    const refused = await api.post("/users", { email: "u4@example.com", office_id: hqId, license: "talk" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(`No available licenses for talk_lines in office ${hqId}`);
    expect(sandbox.state.userByEmail("u4@example.com")).toBeUndefined();

    // agents use sell_lines (1 seat), lite_support_agents contact_center_lines (0 seats).
    expect(
      (await api.post("/users", { email: "agent@example.com", office_id: hqId, license: "agents" })).status,
    ).toBe(200);
    const lite = await api.post("/users", {
      email: "lite@example.com",
      office_id: hqId,
      license: "lite_support_agents",
    });
    expect(lite.body.error.message).toContain("No available licenses for contact_center_lines");
  });

  it("reports seats as strings in available_licenses", async () => {
    await api.post("/users", { email: "one@example.com", office_id: hqId });
    const seats = await api.get(`/offices/${hqId}/available_licenses`);
    expect(seats.status).toBe(200);
    expect(seats.body).toMatchObject({ talk_lines: "2", sell_lines: "1", contact_center_lines: "0" });
    expect((await api.get("/offices/1/available_licenses")).status).toBe(404);
  });
});

describe("GET /users", () => {
  it("finds a user by email (case-insensitive) and filters by state", async () => {
    const created = await api.post("/users", { email: "Find.Me@example.com", office_id: hqId });
    const found = await api.get("/users?email=find.me%40example.com");
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    expect(await api.get("/users?email=nobody%40example.com")).toMatchObject({ status: 200, body: {} });

    await api.patch(`/users/${created.body.id}`, { state: "suspended" });
    expect((await api.get("/users?email=find.me%40example.com&state=active")).body.items).toBeUndefined();
    expect((await api.get("/users?email=find.me%40example.com&state=suspended")).body.items).toHaveLength(1);
    expect((await api.get("/users?state=bogus")).status).toBe(400);
  });

  it("gets a user by id; 404 for an unknown id, 400 for a malformed one", async () => {
    const created = await api.post("/users", { email: "get@example.com", office_id: hqId });
    expect((await api.get(`/users/${created.body.id}`)).body).toEqual(created.body);
    expect((await api.get("/users/5137304475768500000")).status).toBe(404);
    expect((await api.get("/users/abc")).status).toBe(400);
  });
});

describe("PATCH /users/{id}", () => {
  it("suspending frees the seat, reactivating takes one back (400 when none is left)", async () => {
    const a = (await api.post("/users", { email: "a@example.com", office_id: hqId })).body;
    await api.post("/users", { email: "b@example.com", office_id: hqId });
    await api.post("/users", { email: "c@example.com", office_id: hqId });
    expect(talkSeats()).toBe(0);

    const suspended = await api.patch(`/users/${a.id}`, { state: "suspended" });
    expect(suspended.body.state).toBe("suspended");
    expect(talkSeats()).toBe(1);

    await api.post("/users", { email: "d@example.com", office_id: hqId });
    const refused = await api.patch(`/users/${a.id}`, { state: "active" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("No available licenses");
    expect(sandbox.state.user(a.id)!.state).toBe("suspended");

    sandbox.seed.seats(hqId, { talk_lines: 1 });
    expect((await api.patch(`/users/${a.id}`, { state: "active" })).body.state).toBe("active");
    expect(talkSeats()).toBe(0);
  });

  it("accepts only active/suspended as state", async () => {
    const user = (await api.post("/users", { email: "s@example.com", office_id: hqId })).body;
    for (const state of ["deleted", "pending", "cancelled"]) {
      const refused = await api.patch(`/users/${user.id}`, { state });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain("state");
    }
  });

  it("updates names and moves the seat when the licence changes", async () => {
    const user = (await api.post("/users", { email: "l@example.com", office_id: hqId })).body;
    const updated = await api.patch(`/users/${user.id}`, {
      first_name: "Grace",
      license: "agents",
      job_title: null,
    });
    expect(updated.body).toMatchObject({ first_name: "Grace", license: "agents" });
    expect(sandbox.state.availableSeats(hqId)).toMatchObject({ talk_lines: 3, sell_lines: 0 });
    expect((await api.patch(`/users/${user.id}`, { emails: ["other@example.com"] })).body.emails).toEqual([
      "other@example.com",
    ]);
  });

  it("moves the seat between offices, and refuses the move when the target office has none", async () => {
    const remoteId = sandbox.state.office("Remote")!.id;
    const user = (await api.post("/users", { email: "mover@example.com", office_id: hqId })).body;
    const moved = await api.patch(`/users/${user.id}`, { office_id: remoteId });
    expect(moved.body.office_id).toBe(remoteId);
    expect(talkSeats()).toBe(3);
    expect(sandbox.state.availableSeats(remoteId).talk_lines).toBe(2);

    sandbox.seed.seats(hqId, { talk_lines: 0 });
    const refused = await api.patch(`/users/${user.id}`, { office_id: hqId, first_name: "Stay" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(`No available licenses for talk_lines in office ${hqId}`);
    // Nothing of the refused update was applied.
    expect(sandbox.state.user(user.id)).toMatchObject({ officeId: remoteId });
    expect(sandbox.state.user(user.id)!.firstName).toBeUndefined();
  });

  it("answers 409 when the new email belongs to another live user", async () => {
    await api.post("/users", { email: "taken@example.com", office_id: hqId });
    const user = (await api.post("/users", { email: "mine@example.com", office_id: hqId })).body;
    expect((await api.patch(`/users/${user.id}`, { emails: ["taken@example.com"] })).status).toBe(409);
  });
});

describe("DELETE /users/{id}", () => {
  it("answers 200 with the user in state deleted, without emails or numbers, and frees the seat", async () => {
    const user = (await api.post("/users", { email: "gone@example.com", office_id: hqId, auto_assign: true }))
      .body;
    expect(user.phone_numbers).toHaveLength(1);
    const deleted = await api.delete(`/users/${user.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: user.id, state: "deleted" });
    expect(deleted.body).not.toHaveProperty("emails");
    expect(deleted.body).not.toHaveProperty("phone_numbers");
    expect(talkSeats()).toBe(3);
    expect(sandbox.state.reservedNumbers()).toContain(user.phone_numbers[0]);

    expect((await api.get(`/users/${user.id}`)).body.state).toBe("deleted");
    expect((await api.get("/users")).body.items ?? []).toHaveLength(0);
    expect((await api.get("/users?state=deleted")).body.items).toHaveLength(1);
    expect((await api.delete(`/users/${user.id}`)).status).toBe(404);
    expect((await api.patch(`/users/${user.id}`, { state: "active" })).status).toBe(404);
  });

  it("deleting a suspended user does not free a second seat", async () => {
    const user = (await api.post("/users", { email: "s2@example.com", office_id: hqId })).body;
    await api.patch(`/users/${user.id}`, { state: "suspended" });
    await api.delete(`/users/${user.id}`);
    expect(talkSeats()).toBe(3);
  });
});
