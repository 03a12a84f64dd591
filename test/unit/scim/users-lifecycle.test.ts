/**
 * What SCIM changes do to the lifecycle: deactivation offboards (default retention, numbers to an
 * active manager or kept), reactivation during retention rehires the same Dialpad user, DELETE
 * offboards and hides the user from SCIM while our record keeps its retention, changes become
 * updates, replays start nothing, and never an immediate Dialpad deletion.
 */
import { describe, expect, it } from "vitest";
import { DIALPAD, ENTERPRISE, scimWorld } from "./scim-harness";

const HQ = { [DIALPAD]: { officeName: "HQ" } };
const deactivate = { op: "replace", value: { active: false } };

/** A world with `email` created active in HQ and onboarded in Dialpad. */
async function onboarded(email = "ada@example.com", extra: Record<string, unknown> = {}) {
  const w = scimWorld();
  const id = await w.create(email, extra);
  return { w, id };
}

describe("deactivation (active true → false)", () => {
  it("Okta's PATCH offboards: one urgent job, default retention, numbers kept; SCIM answers inactive", async () => {
    const { w, id } = await onboarded();
    const answer = await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    expect(answer.status).toBe(200);
    expect(answer.body.active).toBe(false);
    const [offboard] = w.jobsOf("offboard");
    expect(offboard).toMatchObject({
      status: "queued",
      client: "okta",
      request: { email: "ada@example.com", ticket: { system: "scim", id } },
    });
    expect(offboard?.request).not.toHaveProperty("retention_days");
    expect(offboard?.request).not.toHaveProperty("number_handoff");
    await w.service.work();
    const person = await w.service.people.get("ada@example.com");
    expect(person).toMatchObject({ state: "suspended" });
    expect(w.service.dialpad.byEmail("ada@example.com")).toMatchObject([{ state: "suspended" }]);
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
    expect(w.jobsOf("delete")).toEqual([]);
    expect((await w.get(`/Users/${id}`)).body.active).toBe(false);
  });

  it("a replay of the same PATCH, or a second deactivation, starts no second job", async () => {
    const { w, id } = await onboarded();
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.call("PATCH", `/Users/${id}`, w.patch({ op: "Replace", path: "active", value: "False" }));
    await w.service.work();
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    expect(w.jobsOf("offboard")).toHaveLength(1);
  });

  it("a full PUT with active false (Okta custom apps) offboards the same way", async () => {
    const { w, id } = await onboarded();
    const answer = await w.call(
      "PUT",
      `/Users/${id}`,
      w.oktaUser("ada@example.com", { active: false, ...HQ }),
    );
    expect(answer.body.active).toBe(false);
    expect(w.jobsOf("offboard")).toHaveLength(1);
  });

  it("hands the numbers to the manager when the manager is active in Dialpad", async () => {
    const w = scimWorld();
    const boss = await w.create("boss@example.com");
    const id = await w.create("emp@example.com", { [ENTERPRISE]: { manager: { value: boss } } });
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    expect(w.jobsOf("offboard")[0]?.request).toMatchObject({
      number_handoff: { to: "user", email: "boss@example.com", otherwise: "keep" },
    });
  });

  it("keeps the numbers, and still suspends, when the manager left Dialpad behind our record's back", async () => {
    const w = scimWorld();
    const boss = await w.create("boss@example.com");
    const id = await w.create("emp@example.com", { [ENTERPRISE]: { manager: { value: boss } } });
    await w.service.work();
    const [bossUser] = w.service.dialpad.byEmail("boss@example.com");
    if (bossUser) bossUser.state = "suspended"; // suspended by hand; our record still says active
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.service.work();
    expect(w.jobsOf("offboard").find((job) => job.email === "emp@example.com")).toMatchObject({
      status: "succeeded",
    });
    expect(w.service.dialpad.byEmail("emp@example.com")).toMatchObject([{ state: "suspended" }]);
  });

  it("keeps the numbers when the manager is unknown or not active; an id sent first is resolved at deprovision time", async () => {
    const w = scimWorld();
    // The manager's id is not known yet when the employee is created (IdPs may send the manager later).
    const id = await w.create("emp@example.com", { [ENTERPRISE]: { manager: "not-yet-known" } });
    expect((await w.get(`/Users/${id}`)).body[ENTERPRISE].manager.value).toBe("not-yet-known");
    const gone = await w.create("gone@example.com");
    await w.call("PATCH", `/Users/${gone}`, w.patch(deactivate));
    await w.service.work();
    await w.call(
      "PATCH",
      `/Users/${id}`,
      w.patch({ op: "replace", path: `${ENTERPRISE}:manager`, value: gone }),
    );
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    const offboards = w.jobsOf("offboard").filter((job) => job.email === "emp@example.com");
    expect(offboards).toHaveLength(1);
    expect(offboards[0]?.request).not.toHaveProperty("number_handoff");
  });

  it("an inactive user never onboarded (awaiting an office) is only marked: no job", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: undefined } });
    const created = await w.post(w.oktaUser("wait@example.com"));
    const answer = await w.call("PATCH", `/Users/${created.body.id}`, w.patch(deactivate));
    expect(answer.body.active).toBe(false);
    expect(w.service.jobs.all()).toEqual([]);
  });
});

describe("reactivation (active false → true)", () => {
  it("during retention brings back the same Dialpad user: an onboard job with rehire", async () => {
    const { w, id } = await onboarded();
    const userId = w.service.dialpad.byEmail("ada@example.com")[0]?.id;
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.service.work();
    const answer = await w.call("PATCH", `/Users/${id}`, w.patch({ op: "replace", value: { active: true } }));
    expect(answer.body.active).toBe(true);
    const rehire = w.jobsOf("onboard").at(-1);
    expect(rehire?.request).toMatchObject({ email: "ada@example.com", rehire: true });
    await w.service.work();
    expect(w.service.dialpad.byEmail("ada@example.com")).toMatchObject([{ id: userId, state: "active" }]);
    expect(await w.service.people.get("ada@example.com")).toMatchObject({ state: "active", user_id: userId });
    // A replay of the reactivation starts nothing more.
    await w.call("PATCH", `/Users/${id}`, w.patch({ op: "replace", value: { active: true } }));
    expect(w.jobsOf("onboard")).toHaveLength(2);
  });

  it("before the offboard ran, cancels it instead: nothing changes in Dialpad", async () => {
    const { w, id } = await onboarded();
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.call("PATCH", `/Users/${id}`, w.patch({ op: "replace", value: { active: "True" } }));
    expect(w.jobsOf("offboard")[0]).toMatchObject({ status: "cancelled" });
    expect(w.jobsOf("onboard")).toHaveLength(1);
    await w.service.work();
    expect(w.service.dialpad.byEmail("ada@example.com")).toMatchObject([{ state: "active" }]);
  });

  it("a suspension made by hand in Dialpad after the IdP's word shows: SCIM answers inactive", async () => {
    const { w, id } = await onboarded();
    const at = new Date(w.service.clock.now().getTime() + 60_000).toISOString();
    await w.service.people.apply("ada@example.com", {
      set: { state: "suspended", suspended_at: at, updated_at: at },
      history: { at, action: "suspended_by_hand", source: "webhook" },
      historyId: "hand",
    });
    expect((await w.get(`/Users/${id}`)).body.active).toBe(false);
  });
});

describe("DELETE /Users/{id}", () => {
  it("offboards an active user, then 404 and not listed, while our record keeps its retention; never a Dialpad deletion", async () => {
    const { w, id } = await onboarded();
    const answer = await w.call("DELETE", `/Users/${id}`);
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    expect(w.jobsOf("offboard")).toHaveLength(1);
    expect((await w.get(`/Users/${id}`)).status).toBe(404);
    expect((await w.call("DELETE", `/Users/${id}`)).status).toBe(404);
    expect((await w.get("/Users")).body.totalResults).toBe(0);
    const found = await w.get(`/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`);
    expect(found.body.totalResults).toBe(0);
    await w.service.work();
    const person = await w.service.people.get("ada@example.com");
    expect(person).toMatchObject({ state: "suspended", delete_after: expect.any(String) });
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
    expect(w.jobsOf("delete")).toEqual([]);
  });

  it("of someone already inactive starts no job", async () => {
    const { w, id } = await onboarded();
    await w.call("PATCH", `/Users/${id}`, w.patch(deactivate));
    await w.call("DELETE", `/Users/${id}`);
    expect(w.jobsOf("offboard")).toHaveLength(1);
  });

  it("then a POST of the same person during retention reactivates them (the same id, rehire)", async () => {
    const { w, id } = await onboarded();
    await w.call("DELETE", `/Users/${id}`);
    await w.service.work();
    const again = await w.post(w.oktaUser("ada@example.com", HQ));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id, active: true });
    expect(w.jobsOf("onboard").at(-1)?.request).toMatchObject({ rehire: true });
  });
});

describe("changes of an active user", () => {
  it("names, office, licence and extension become one update job; a replay starts none", async () => {
    const { w, id } = await onboarded("ada@example.com");
    const ops = w.patch(
      { op: "replace", path: "name.familyName", value: "Byron" },
      { op: "replace", path: `${DIALPAD}:extension`, value: "4242" },
    );
    await w.call("PATCH", `/Users/${id}`, ops);
    await w.call("PATCH", `/Users/${id}`, ops);
    const updates = w.jobsOf("update");
    expect(updates).toHaveLength(1);
    expect(updates[0]?.request).toEqual({
      email: "ada@example.com",
      last_name: "Byron",
      extension: "4242",
      call_center_ids: undefined,
      ticket: { system: "scim", id },
    });
  });

  it("a new primary email is an update with new_email; a userName change alone changes nothing in Dialpad", async () => {
    const { w, id } = await onboarded("ada@example.com");
    await w.call("PATCH", `/Users/${id}`, w.patch({ op: "replace", path: "userName", value: "ada.l" }));
    expect(w.jobsOf("update")).toEqual([]);
    await w.call(
      "PATCH",
      `/Users/${id}`,
      w.patch({ op: "replace", path: "emails", value: [{ value: "ada.l@example.com", primary: true }] }),
    );
    expect(w.jobsOf("update")[0]?.request).toMatchObject({
      email: "ada@example.com",
      new_email: "ada.l@example.com",
    });
  });

  it("PUT leaves an omitted attribute unchanged and clears a null one", async () => {
    const { w, id } = await onboarded("ada@example.com", { [ENTERPRISE]: { department: "Sales" } });
    const answer = await w.call("PUT", `/Users/${id}`, {
      userName: "ada@example.com",
      externalId: null,
      name: { givenName: "Ada", familyName: "Lovelace" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty("externalId");
    expect(answer.body[ENTERPRISE]).toEqual({ department: "Sales" });
    expect(answer.body[DIALPAD]).toEqual({ officeName: "HQ" });
    expect(w.jobsOf("update")).toEqual([]);
  });
});

describe("awaiting an office", () => {
  it("shows awaiting_office in GET /v1/users/{email}, and is onboarded once an officeName arrives", async () => {
    const w = scimWorld();
    const created = await w.post(w.oktaUser("wait@example.com"));
    const { callApi } = await import("../../support/api-caller");
    const { memoryApi } = await import("../support/memory-api");
    const record = await callApi(memoryApi(w.service), {
      method: "GET",
      path: "/v1/users/wait@example.com",
      client: { name: "reader", scopes: ["read"] },
    });
    expect(record.body).toMatchObject({ state: "awaiting_office" });
    await w.call(
      "PATCH",
      `/Users/${created.body.id}`,
      w.patch({ op: "add", path: `${DIALPAD}:officeName`, value: "HQ" }),
    );
    expect(w.jobsOf("onboard")[0]?.request).toMatchObject({ email: "wait@example.com", office_name: "HQ" });
    await w.service.work();
    expect(await w.service.people.get("wait@example.com")).toMatchObject({ state: "active" });
  });
});
