/**
 * The IdPs' own requests (fixtures/) through the Users service: what each does to the lifecycle.
 * The wire details (dialects, PATCH paths) are the wire layer's tests; here, the effects.
 */
import { describe, expect, it } from "vitest";
import { payload } from "./idp-payloads";
import { DIALPAD, ENTERPRISE, scimWorld } from "./scim-harness";

const inHq = { settings: { scimDefaultOffice: "HQ" } };

describe("Microsoft Entra ID", () => {
  it("create with nulls, manager as a bare id, then the deprovision bundled with a work phone: one offboard, numbers to the manager", async () => {
    const w = scimWorld(inHq);
    const boss = await w.create("boss@example.com");
    const created = await w.post(payload("entra", "createUser"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: "alan.turing@example.com", active: true });
    expect(created.body[ENTERPRISE]).toEqual({ employeeNumber: "1912" });
    const id = created.body.id as string;
    await w.service.work();
    const managed = await w.call(
      "PATCH",
      `/Users/${id}`,
      payload("entra", "setManager", { managerId: boss }),
    );
    expect(managed.body[ENTERPRISE].manager.value).toBe(boss);
    const gone = await w.call("PATCH", `/Users/${id}`, payload("entra", "deprovisionWithWorkPhone"));
    expect(gone.status).toBe(200);
    expect(gone.body.active).toBe(false);
    const offboards = w.jobsOf("offboard");
    expect(offboards).toHaveLength(1);
    expect(offboards[0]?.request).toMatchObject({
      email: "alan.turing@example.com",
      number_handoff: { to: "user", email: "boss@example.com" },
    });
    await w.service.work();
    expect(w.service.dialpad.byEmail("alan.turing@example.com")).toMatchObject([{ state: "suspended" }]);
    // Its repeat (Entra re-sends every ~40 minutes) starts nothing.
    await w.call("PATCH", `/Users/${id}`, payload("entra", "disableUser"));
    expect(w.jobsOf("offboard")).toHaveLength(1);
    const back = await w.call("PATCH", `/Users/${id}`, payload("entra", "enableUser"));
    expect(back.body.active).toBe(true);
    expect(w.jobsOf("onboard").at(-1)?.request).toMatchObject({ rehire: true });
  });

  it("answers the Test connection filter on a random GUID with 200 and an empty list", async () => {
    const w = scimWorld(inHq);
    const { filter } = payload("entra", "testConnectionQuery");
    const answer = await w.get(`/Users?filter=${encodeURIComponent(filter)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ totalResults: 0, itemsPerPage: 0 });
  });

  it("a name change among multi-valued replaces is an update of the last name only", async () => {
    const w = scimWorld(inHq);
    const id = (await w.post(payload("entra", "createUser"))).body.id;
    await w.service.work();
    await w.call("PATCH", `/Users/${id}`, payload("entra", "updateMultiValued"));
    expect(w.jobsOf("update").map((job) => job.request)).toMatchObject([
      { email: "alan.turing@example.com", last_name: "Mathison-Turing" },
    ]);
  });
});

describe("Google Workspace and OneLogin", () => {
  it("Google's core 1.0 user in application/json is onboarded; its suspension offboards", async () => {
    const w = scimWorld(inHq);
    const created = await w.call("POST", "/Users", payload("google", "createUser"), undefined, {
      "content-type": "application/json",
    });
    expect(created.status).toBe(201);
    expect(w.jobsOf("onboard")).toHaveLength(1);
    await w.service.work();
    await w.call("PUT", `/Users/${created.body.id}`, payload("google", "suspendUser"), undefined, {
      "content-type": "application/json",
    });
    expect(w.jobsOf("offboard")).toHaveLength(1);
  });

  it("OneLogin's manager as {value, displayName} is kept as the manager's id", async () => {
    const w = scimWorld(inHq);
    const boss = await w.create("boss@example.com", { [DIALPAD]: { officeName: "HQ" } });
    const created = await w.post(payload("onelogin", "createUser"));
    const answer = await w.call(
      "PATCH",
      `/Users/${created.body.id}`,
      payload("onelogin", "setManager", { managerId: boss }),
    );
    expect(answer.body[ENTERPRISE].manager).toMatchObject({ value: boss });
  });
});

describe("discovery", () => {
  it("serves ServiceProviderConfig, ResourceTypes and Schemas (ours included), in application/scim+json", async () => {
    const w = scimWorld();
    const config = await w.get("/ServiceProviderConfig");
    expect(config.headers["content-type"]).toBe("application/scim+json");
    expect(config.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 100 },
    });
    expect((await w.get("/ResourceTypes")).body.totalResults).toBe(2);
    expect((await w.get("/ResourceTypes/User")).body.schemaExtensions).toHaveLength(2);
    expect((await w.get(`/Schemas/${DIALPAD}`)).body.id).toBe(DIALPAD);
    expect((await w.get("/Schemas/urn:nope")).status).toBe(404);
  });
});
