/**
 * The other identity providers' requests (fixtures/google.json, onelogin.json, jumpcloud.json)
 * against the API's SCIM routes on the memory service: the SCIM answer, then the fake Dialpad after
 * the worker drains.
 */
import { describe, expect, it } from "vitest";
import { payload } from "./idp-payloads";
import { ENTERPRISE, OKTA, scimWorld } from "./scim-harness";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GOOGLE = { name: "google", scopes: ["scim"] };

describe("Google Workspace", () => {
  it("creates with application/json, SCIM 1.1's schema and string booleans; suspends with a PUT", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const json = { "content-type": "application/json" };
    const created = await w.call("POST", "/Users", payload("google", "createUser"), GOOGLE, json);
    expect(created.status).toBe(201);
    expect(created.headers["content-type"]).toBe("application/scim+json");
    expect(created.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: "katherine.johnson@example.com",
      active: true,
      emails: [{ value: "katherine.johnson@example.com", type: "work", primary: true }],
    });
    await w.service.work();
    const [user] = w.service.dialpad.byEmail("katherine.johnson@example.com");
    expect(user).toMatchObject({ state: "active", first_name: "Katherine", last_name: "Johnson" });

    const suspended = await w.call(
      "PUT",
      `/Users/${created.body.id}`,
      payload("google", "suspendUser"),
      GOOGLE,
      {
        "content-type": "application/json; charset=utf-8",
      },
    );
    expect(suspended.status).toBe(200);
    expect(suspended.body.active).toBe(false);
    await w.service.work();
    expect(w.service.dialpad.byEmail("katherine.johnson@example.com")).toEqual([
      expect.objectContaining({ id: user?.id, state: "suspended" }),
    ]);
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
  });
});

describe("OneLogin", () => {
  it("SCIM 1.1 schemas and an enterprise 1.0 object with manager {value, displayName}", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const boss = await w.call("POST", "/Users", w.oktaUser("katherine.johnson@example.com"), OKTA);
    const created = await w.post(payload("onelogin", "createUser", { managerId: boss.body.id }));
    expect(created.status).toBe(201);
    expect(created.body[ENTERPRISE]).toEqual({
      department: "Computing",
      manager: { value: boss.body.id, $ref: expect.stringContaining(`/Users/${boss.body.id}`) },
    });
    await w.service.work();
    expect(w.service.dialpad.byEmail("dorothy.vaughan@example.com")).toEqual([
      expect.objectContaining({ state: "active", first_name: "Dorothy", last_name: "Vaughan" }),
    ]);

    const other = await w.post(w.oktaUser("mary.jackson@example.com"));
    const changed = await w.call(
      "PATCH",
      `/Users/${created.body.id}`,
      payload("onelogin", "setManager", { managerId: other.body.id }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body[ENTERPRISE].manager.value).toBe(other.body.id);
    expect(changed.body.active).toBe(true);
  });
});

describe("JumpCloud", () => {
  it("deactivates with a plain replace of active: suspended in Dialpad", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const created = await w.post(w.oktaUser("ada@example.com"));
    await w.service.work();
    const answer = await w.call("PATCH", `/Users/${created.body.id}`, payload("jumpcloud", "deactivate"));
    expect(answer.status).toBe(200);
    expect(answer.body.active).toBe(false);
    await w.service.work();
    expect(w.service.dialpad.byEmail("ada@example.com")).toEqual([
      expect.objectContaining({ state: "suspended" }),
    ]);
  });
});

describe("bad PATCH bodies change nothing", () => {
  it.each([
    ["no Operations", {}, "invalidSyntax"],
    ["an unknown op", { Operations: [{ op: "Move", path: "active", value: false }] }, "invalidSyntax"],
    [
      "an unreadable path",
      { Operations: [{ op: "Replace", path: "name..givenName", value: "x" }] },
      "invalidPath",
    ],
    [
      "a good operation then a bad one",
      {
        Operations: [
          { op: "Replace", path: "active", value: "False" },
          { op: "Replace", path: "urn:example:unknown:User:x", value: "y" },
        ],
      },
      "invalidPath",
    ],
  ])("%s: 400 %s, the user unchanged and no job", async (_, body, scimType) => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const created = await w.post(w.oktaUser("ada@example.com"));
    await w.service.work();
    const jobs = w.service.jobs.all().length;
    const answer = await w.call("PATCH", `/Users/${created.body.id}`, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "400",
      scimType,
    });
    expect(w.service.jobs.all()).toHaveLength(jobs);
    expect((await w.get(`/Users/${created.body.id}`)).body.active).toBe(true);
  });
});
