/**
 * Okta's checklists against the API's SCIM routes on the memory service: its "SCIM 2.0 SPEC test"
 * (the Runscope suite's required steps, in its order) and its CRUD flow (create, update the name,
 * deactivate, reactivate, unassign), with Okta's own requests (fixtures/okta.json). Each step checks
 * the SCIM answer and, after the worker drains, what the fake Dialpad holds.
 */
import { describe, expect, it } from "vitest";
import { payload } from "./idp-payloads";
import { OKTA, scimWorld } from "./scim-harness";

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

const query = (params: Record<string, string>) => `/Users?${new URLSearchParams(params).toString()}`;
const byUserName = (userName: string) => query({ filter: `userName eq "${userName}"` });

describe("Okta SCIM 2.0 SPEC test", () => {
  it("passes the required steps in order", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    // The suite starts from a server that already has a user.
    await w.post(payload("okta", "createUser"));

    // Test Users endpoint: numeric paging fields, a user with id, names, userName, active, email.
    const first = await w.get("/Users?count=1&startIndex=1");
    expect(first.status).toBe(200);
    expect(first.body.schemas).toContain(LIST_SCHEMA);
    for (const field of ["itemsPerPage", "startIndex", "totalResults"])
      expect(typeof first.body[field], field).toBe("number");
    const listed = first.body.Resources[0];
    expect(listed).toMatchObject({
      id: expect.any(String),
      name: { familyName: expect.any(String), givenName: expect.any(String) },
      userName: expect.any(String),
      active: true,
      emails: [{ value: expect.any(String) }],
    });

    // Get Users/{id}.
    const one = await w.get(`/Users/${listed.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: listed.id, userName: listed.userName, active: true });

    // Invalid user by userName: 200, totalResults 0.
    const invalid = await w.get(byUserName("invalid-user-that-does-not-exist@example.com"));
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 0 });

    // Invalid user by id: 404 with detail and the error schema.
    const missing = await w.get("/Users/010101001010101011");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], detail: expect.any(String) });

    // The random user does not exist yet.
    const spec = payload("okta", "specTestCreateUser");
    expect((await w.get(byUserName(spec.userName))).body.totalResults).toBe(0);

    // Create with realistic values, sent as application/json.
    const created = await w.call("POST", "/Users", spec, OKTA, { "content-type": "application/json" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      active: true,
      id: expect.any(String),
      name: { familyName: "Hopper", givenName: "Grace" },
      userName: spec.userName,
    });
    expect(created.body.schemas).toContain(USER_SCHEMA);

    // Verify that the user was created.
    const verified = await w.get(`/Users/${created.body.id}`);
    expect(verified.body).toMatchObject({
      userName: spec.userName,
      name: { familyName: "Hopper", givenName: "Grace" },
    });

    // Recreating the same user fails with 409.
    const again = await w.call("POST", "/Users", spec, OKTA, { "content-type": "application/json" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: "409", scimType: "uniqueness" });

    // userName case sensitivity: the upper-case filter finds the user.
    const caps = await w.get(byUserName(spec.userName.toUpperCase()));
    expect(caps.status).toBe(200);
    expect(caps.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.body.id }] });

    // 401 with an error body ("Authorization: non-token").
    const refused = await w.get(byUserName(spec.userName.toUpperCase()), null);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: "401",
      detail: expect.any(String),
    });

    // 404 with status as a string.
    const notFound = await w.get("/Users/00919288221112222");
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: "404",
      detail: expect.any(String),
    });

    // Dialpad: both users onboarded into HQ, once each.
    await w.service.work();
    for (const email of ["ada.lovelace@example.com", "grace.hopper@example.com"])
      expect(w.service.dialpad.byEmail(email)).toEqual([
        expect.objectContaining({ state: "active", office_id: w.service.hq.id }),
      ]);
    expect(w.service.dialpad.byEmail("grace.hopper@example.com")[0]).toMatchObject({
      first_name: "Grace",
      last_name: "Hopper",
    });
  });
});

describe("Okta CRUD flow", () => {
  it("create, update the name, deactivate, reactivate, unassign", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const create = payload("okta", "createUser");

    // Okta looks the user up before creating it.
    const lookup = await w.get(query(payload("okta", "lookupQuery")));
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });

    // Create (with password, groups: [] and externalId): onboarded into Dialpad.
    const created = await w.post(create);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ externalId: "00ujl29u0le5T6Aj10h7", active: true });
    expect(JSON.stringify(created.body)).not.toContain(create.password);
    await w.service.work();
    const [dialpadUser] = w.service.dialpad.byEmail(create.userName);
    expect(dialpadUser).toMatchObject({ state: "active", first_name: "Ada", last_name: "Lovelace" });
    const dialpadId = dialpadUser?.id;

    // The lookup now finds it (Okta links by filter).
    expect((await w.get(query(payload("okta", "lookupQuery")))).body).toMatchObject({
      totalResults: 1,
      Resources: [{ id }],
    });

    // Update the first name with a full PUT: an update job, Dialpad renamed.
    const renamed = await w.call("PUT", `/Users/${id}`, { ...payload("okta", "replaceUserRenamed"), id });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toEqual({ givenName: "Augusta", familyName: "Lovelace" });
    await w.service.work();
    expect(w.jobsOf("update")).toHaveLength(1);
    expect(w.service.dialpad.byEmail(create.userName)).toEqual([
      expect.objectContaining({ id: dialpadId, first_name: "Augusta", state: "active" }),
    ]);

    // Deactivate: suspended in Dialpad, never deleted.
    const off = await w.call("PATCH", `/Users/${id}`, payload("okta", "deactivate"));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    await w.service.work();
    expect(w.service.dialpad.byEmail(create.userName)).toEqual([
      expect.objectContaining({ id: dialpadId, state: "suspended" }),
    ]);
    expect(await w.service.people.get(create.userName)).toMatchObject({ state: "suspended" });
    expect((await w.get(`/Users/${id}`)).body.active).toBe(false);

    // Reactivate during retention: the same Dialpad user, active again.
    const on = await w.call("PATCH", `/Users/${id}`, payload("okta", "reactivate"));
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    await w.service.work();
    expect(w.service.dialpad.byEmail(create.userName)).toEqual([
      expect.objectContaining({ id: dialpadId, state: "active" }),
    ]);

    // Unassign (Okta deactivates; it never DELETEs): suspended again; a replay starts no job.
    await w.call("PATCH", `/Users/${id}`, payload("okta", "deactivate"));
    const offboards = w.jobsOf("offboard").length;
    const replay = await w.call("PATCH", `/Users/${id}`, payload("okta", "deactivate"));
    expect(replay.status).toBe(200);
    expect(w.jobsOf("offboard")).toHaveLength(offboards);
    await w.service.work();
    expect(w.service.dialpad.byEmail(create.userName)).toEqual([
      expect.objectContaining({ id: dialpadId, state: "suspended" }),
    ]);
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
    expect(w.jobsOf("onboard").filter((job) => job.status === "succeeded")).toHaveLength(2);
  });
});
