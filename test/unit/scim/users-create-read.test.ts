/**
 * SCIM Users, the first half of an IdP's life: create (onboards an active user, or lets it wait
 * for an office), read, find by filter, list in pages; uniqueness; the SCIM wire shapes.
 */
import { describe, expect, it } from "vitest";
import { DIALPAD, ENTERPRISE, OKTA, scimWorld } from "./scim-harness";

describe("POST /Users", () => {
  it("creates an active user with an office: 201, our own id, an onboard job through the usual intake", async () => {
    const w = scimWorld();
    const answer = await w.post(w.oktaUser("ada@example.com", { [DIALPAD]: { officeName: "HQ" } }));
    expect(answer.status).toBe(201);
    expect(answer.headers["content-type"]).toBe("application/scim+json");
    expect(answer.body).toMatchObject({
      userName: "ada@example.com",
      externalId: "ext-ada@example.com",
      name: { givenName: "Ada", familyName: "Lovelace" },
      active: true,
      meta: { resourceType: "User", location: `http://127.0.0.1:3000/scim/v2/Users/${answer.body.id}` },
    });
    expect(answer.headers.location).toBe(answer.body.meta.location);
    expect(answer.body).not.toHaveProperty("password");
    expect(JSON.stringify(answer.body)).not.toContain("never-stored");
    const [job] = w.jobsOf("onboard");
    expect(job).toMatchObject({
      client: "okta",
      status: "queued",
      email: "ada@example.com",
      request: { email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", office_name: "HQ" },
      ticket: { system: "scim", id: answer.body.id },
    });
    expect(await w.service.people.get("ada@example.com")).toMatchObject({ state: "onboarding" });

    await w.service.work();
    expect(await w.service.people.get("ada@example.com")).toMatchObject({ state: "active" });
    expect(w.service.dialpad.byEmail("ada@example.com")).toMatchObject([{ state: "active" }]);
    expect((await w.get(`/Users/${answer.body.id}`)).body.active).toBe(true);
  });

  it("with no office anywhere, the person waits: state awaiting_office, answered active, no job", async () => {
    const w = scimWorld();
    const answer = await w.post(w.oktaUser("wait@example.com"));
    expect(answer.status).toBe(201);
    expect(answer.body.active).toBe(true);
    expect(w.service.jobs.all()).toEqual([]);
    expect(await w.service.people.get("wait@example.com")).toMatchObject({ state: "awaiting_office" });
  });

  it("SCIM_DEFAULT_OFFICE places people, given as a name or as an id", async () => {
    const byName = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    await byName.post(byName.oktaUser("n@example.com"));
    expect(byName.jobsOf("onboard")[0]?.request).toMatchObject({ office_name: "HQ" });
    const byId = scimWorld({ settings: { scimDefaultOffice: "4321" } });
    await byId.post(byId.oktaUser("i@example.com"));
    expect(byId.jobsOf("onboard")[0]?.request).toMatchObject({ office_id: "4321" });
  });

  it("a user created inactive is only recorded by SCIM: nothing in Dialpad", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const answer = await w.post(w.oktaUser("off@example.com", { active: false }));
    expect(answer.body.active).toBe(false);
    expect(w.service.jobs.all()).toEqual([]);
  });

  it("answers 409 uniqueness for a userName taken (any case) and for a person tracked through /v1", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    await w.post(w.oktaUser("ada@example.com"));
    const again = await w.post(w.oktaUser("ADA@example.com"));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "409",
      scimType: "uniqueness",
      detail: expect.any(String),
    });
    await w.service.onboard({ email: "known@example.com" });
    await w.service.work();
    const tracked = await w.post(w.oktaUser("known@example.com"));
    expect(tracked.status).toBe(409);
    expect(tracked.body.scimType).toBe("uniqueness");
    expect(w.jobsOf("onboard")).toHaveLength(2);
  });

  it("refuses a user with no email address: 400 invalidValue, nothing written", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const answer = await w.post({ userName: "ada", name: { givenName: "A", familyName: "L" } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: "400", scimType: "invalidValue" });
    expect((await w.get("/Users")).body.totalResults).toBe(0);
  });

  it("keeps the enterprise and Dialpad extensions and answers the manager as {value, $ref}", async () => {
    const w = scimWorld();
    const boss = await w.post(w.oktaUser("boss@example.com"));
    const answer = await w.post(
      w.oktaUser("emp@example.com", {
        [ENTERPRISE]: { manager: { value: boss.body.id }, department: "Sales", employeeNumber: "42" },
        [DIALPAD]: { officeName: "HQ", license: "talk", areaCode: "415", extension: "123" },
      }),
    );
    expect(answer.body[ENTERPRISE]).toEqual({
      manager: { value: boss.body.id, $ref: `http://127.0.0.1:3000/scim/v2/Users/${boss.body.id}` },
      department: "Sales",
      employeeNumber: "42",
    });
    expect(answer.body[DIALPAD]).toEqual({
      officeName: "HQ",
      license: "talk",
      areaCode: "415",
      extension: "123",
    });
    expect(w.jobsOf("onboard")[0]?.request).toMatchObject({
      area_code: "415",
      extension: "123",
      license: "talk",
    });
  });
});

describe("GET /Users and /Users/{id}", () => {
  it("answers phoneNumbers from our record once the onboarding assigned one, never from a Dialpad read", async () => {
    const w = scimWorld();
    const created = await w.post(
      w.oktaUser("tel@example.com", { [DIALPAD]: { officeName: "HQ", areaCode: "212" } }),
    );
    expect(created.body).not.toHaveProperty("phoneNumbers");
    await w.service.work();
    const reads = w.service.dialpad.calls.length;
    const answer = await w.get(`/Users/${created.body.id}`);
    expect(answer.body.phoneNumbers).toEqual([
      { value: expect.stringMatching(/^\+1212/), type: "work", primary: true },
    ]);
    expect(w.service.dialpad.calls.length).toBe(reads);
  });

  it("finds a user by userName in any case, externalId, id and email; an unknown one is an empty list", async () => {
    const w = scimWorld();
    const ada = (await w.post(w.oktaUser("ada@example.com"))).body;
    for (const filter of [
      'userName eq "ADA@EXAMPLE.COM"',
      'externalId eq "ext-ada@example.com"',
      `id eq "${ada.id}"`,
      'emails.value eq "ada@example.com"',
      'userName eq "ada@example.com" and externalId eq "ext-ada@example.com"',
    ]) {
      const found = await w.get(`/Users?filter=${encodeURIComponent(filter)}&startIndex=1&count=100`);
      expect(found.status, filter).toBe(200);
      expect(found.body, filter).toMatchObject({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        totalResults: 1,
        startIndex: 1,
        itemsPerPage: 1,
        Resources: [{ id: ada.id }],
      });
    }
    const none = await w.get(`/Users?filter=${encodeURIComponent('userName eq "8c1d-guid"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });

  it("refuses a filter it cannot answer with 400 invalidFilter, never an empty list", async () => {
    const w = scimWorld();
    const answer = await w.get(`/Users?filter=${encodeURIComponent('userName co "ada"')}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
  });

  it("pages a stable list with 1-based startIndex and count; count=0 answers only the total", async () => {
    const w = scimWorld();
    for (let i = 0; i < 7; i++) await w.post(w.oktaUser(`p${i}@example.com`));
    const pages = [];
    for (let start = 1; start <= 7; start += 5)
      pages.push((await w.get(`/Users?startIndex=${start}&count=5`)).body);
    expect(pages.map((page) => page.itemsPerPage)).toEqual([5, 2]);
    expect(pages.map((page) => page.totalResults)).toEqual([7, 7]);
    const ids = pages.flatMap((page) => page.Resources.map((user: { id: string }) => user.id));
    expect(new Set(ids).size).toBe(7);
    expect(
      (await w.get("/Users?startIndex=1&count=5")).body.Resources.map((u: { id: string }) => u.id),
    ).toEqual(ids.slice(0, 5));
    const countOnly = (await w.get("/Users?count=0")).body;
    expect(countOnly).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    expect(countOnly).not.toHaveProperty("Resources");
    expect((await w.get("/Users?startIndex=0&count=1")).body.startIndex).toBe(1);
  });

  it("answers 404 in SCIM's error shape for an unknown id", async () => {
    const w = scimWorld();
    const answer = await w.get("/Users/no-such-id");
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
      detail: "No such user.",
    });
  });
});

describe("SCIM's refusals", () => {
  it("401 when the authorizer let a refused token through, 403 without the scim scope, both SCIM-shaped", async () => {
    const w = scimWorld();
    const unauthenticated = await w.get("/Users", null);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "401",
    });
    const reader = await w.get("/Users", { name: "ticketing", scopes: ["read", "onboard", "offboard"] });
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ status: "403" });
  });

  it("a scim client reaches nothing of /v1", async () => {
    const w = scimWorld();
    const { callApi } = await import("../../support/api-caller");
    const { memoryApi } = await import("../support/memory-api");
    const answer = await callApi(memoryApi(w.service), {
      method: "GET",
      path: "/v1/jobs",
      client: { name: OKTA.name, scopes: OKTA.scopes },
    });
    expect(answer.status).toBe(403);
  });

  it("takes application/json too, refuses other media types with 415", async () => {
    const w = scimWorld();
    const json = await w.call("POST", "/Users", w.oktaUser("g@example.com"), OKTA, {
      "content-type": "application/json",
    });
    expect(json.status).toBe(201);
    const text = await w.call("POST", "/Users", w.oktaUser("h@example.com"), OKTA, {
      "content-type": "text/plain",
    });
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ status: "415" });
  });
});
