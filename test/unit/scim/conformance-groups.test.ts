/**
 * The IdPs' group requests (fixtures/okta.json, entra.json, jumpcloud.json) against the API's SCIM
 * routes on the memory service, with the office and call-center names read: Okta's group push
 * (empty create, rename before each change, add / remove members[value eq …]), Entra's (lookup by
 * displayName without members, Add members, Remove members by value list) and JumpCloud's removal
 * by value list. Each checks the SCIM answer and what the fake Dialpad then holds.
 */
import { describe, expect, it } from "vitest";
import { toProxyEvent } from "../../../local/runtime/api-gateway-event";
import { respondToError } from "../../../shared/http/http-error-handler";
import { refreshOfficeSeats } from "../../../shared/lifecycle/office-seats";
import { memoryApi, memoryOfficeSeats } from "../support/memory-api";
import { memoryService } from "../support/memory-service";
import { payload } from "./idp-payloads";
import type { ScimAnswer } from "./scim-harness";

async function groupWorld() {
  const service = memoryService();
  const paris = service.dialpad.addOffice("London", { talk_lines: 5 });
  const sales = service.dialpad.addCallCenter("Sales", service.hq.id);
  const seats = memoryOfficeSeats(service);
  const api = memoryApi(service, { scimDefaultOffice: "HQ" }, seats.deps);
  await refreshOfficeSeats({
    dialpad: service.dialpad,
    offices: seats.deps.offices,
    seats: service.lifecycle.seats,
    now: () => service.clock.now().getTime(),
  });

  async function call(method: string, path: string, body?: unknown, client = "okta"): Promise<ScimAnswer> {
    const [rawPath = "", query] = path.split("?", 2);
    const built = toProxyEvent({
      method,
      path: `/scim/v2${rawPath}`,
      ...(query ? { query: new URLSearchParams(query) } : {}),
      headers: { "content-type": "application/scim+json", host: "127.0.0.1:3000" },
      body: body === undefined ? undefined : JSON.stringify(body),
      authorizer: { client, scopes: "scim" },
    });
    if (!built) throw new Error(`no route for ${method} ${path}`);
    const response = await api(built.event).catch((error) =>
      respondToError(error, built.event, { error: () => undefined }),
    );
    return {
      status: response.statusCode,
      headers: response.headers ?? {},
      body: response.body ? JSON.parse(response.body) : undefined,
    };
  }

  /** A user created and onboarded (into HQ); answers its SCIM id. */
  async function user(email: string): Promise<string> {
    const created = await call("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: email, primary: true, type: "work" }],
      active: true,
    });
    expect(created.status).toBe(201);
    await service.work();
    return created.body.id;
  }
  const dialpadUser = (email: string) => service.dialpad.byEmail(email)[0];
  const operators = () => [...(service.dialpad.callCenters.get(sales.id)?.operators ?? [])].sort();
  return { service, london: paris, call, user, dialpadUser, operators };
}

describe("Okta group push", () => {
  it("creates empty, renames before each change, adds and removes members[value eq …]", async () => {
    const w = await groupWorld();
    const ada = await w.user("ada.lovelace@example.com");
    const jobs = w.service.jobs.all().length;

    const created = await w.call("POST", "/Groups", payload("okta", "createGroup"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: "London", id: expect.any(String) });
    const id = created.body.id as string;
    const rename = () => w.call("PATCH", `/Groups/${id}`, payload("okta", "renameGroup", { groupId: id }));
    expect((await rename()).status).toBe(200);
    expect(w.service.jobs.all()).toHaveLength(jobs);

    const added = await w.call("PATCH", `/Groups/${id}`, payload("okta", "addMember", { userId: ada }));
    expect(added.status).toBe(200);
    expect((await w.call("GET", `/Groups/${id}`)).body.members).toEqual([
      expect.objectContaining({ value: ada }),
    ]);
    await w.service.work();
    expect(w.dialpadUser("ada.lovelace@example.com")).toMatchObject({
      office_id: w.london.id,
      state: "active",
    });

    expect((await rename()).status).toBe(200);
    const removed = await w.call("PATCH", `/Groups/${id}`, payload("okta", "removeMember", { userId: ada }));
    expect(removed.status).toBe(200);
    const read = (await w.call("GET", `/Groups/${id}`)).body;
    expect(read.members ?? []).toEqual([]);
    await w.service.work();
    // Leaving an office group moves and suspends nobody.
    expect(w.dialpadUser("ada.lovelace@example.com")).toMatchObject({
      office_id: w.london.id,
      state: "active",
    });
  });
});

describe("Entra group provisioning", () => {
  it("creates with its extra schema URN, finds by displayName without members, adds and removes by value list", async () => {
    const w = await groupWorld();
    const [a, b] = [await w.user("a@example.com"), await w.user("b@example.com")];
    const created = await w.call(
      "POST",
      "/Groups",
      { ...payload("entra", "createGroup"), displayName: "Sales" },
      "entra",
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const found = await w.call(
      "GET",
      `/Groups?${new URLSearchParams({ ...payload("entra", "groupLookupQuery"), filter: 'displayName eq "sales"' })}`,
      undefined,
      "entra",
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: "Sales" }] });
    expect(found.body.Resources[0]).not.toHaveProperty("members");

    for (const userId of [a, b])
      expect(
        (await w.call("PATCH", `/Groups/${id}`, payload("entra", "addMembers", { userId }), "entra")).status,
      ).toBe(200);
    await w.service.work();
    const ids = [w.dialpadUser("a@example.com")?.id, w.dialpadUser("b@example.com")?.id].sort();
    expect(w.operators()).toEqual(ids);

    // Entra's Remove with a value list removes only that member, never the whole group.
    const removed = await w.call(
      "PATCH",
      `/Groups/${id}`,
      payload("entra", "removeMembers", { userId: a }),
      "entra",
    );
    expect(removed.status).toBe(200);
    expect((await w.call("GET", `/Groups/${id}`)).body.members).toEqual([
      expect.objectContaining({ value: b }),
    ]);
    await w.service.work();
    expect(w.operators()).toEqual([w.dialpadUser("b@example.com")?.id]);

    // A rename changes nobody's Dialpad.
    const jobs = w.service.jobs.all().length;
    expect((await w.call("PATCH", `/Groups/${id}`, payload("entra", "renameGroup"), "entra")).status).toBe(
      200,
    );
    expect(w.service.jobs.all()).toHaveLength(jobs);
    expect(w.operators()).toEqual([w.dialpadUser("b@example.com")?.id]);
  });
});

describe("JumpCloud", () => {
  it("removes members with a value list: only those leave the call center", async () => {
    const w = await groupWorld();
    const ids = [await w.user("a@example.com"), await w.user("b@example.com"), await w.user("c@example.com")];
    const created = await w.call(
      "POST",
      "/Groups",
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: "Sales",
        members: ids.map((value) => ({ value })),
      },
      "jumpcloud",
    );
    expect(created.status).toBe(201);
    await w.service.work();
    expect(w.operators()).toHaveLength(3);

    const [a, b, c] = ids as [string, string, string];
    const answer = await w.call(
      "PATCH",
      `/Groups/${created.body.id}`,
      payload("jumpcloud", "removeMembers", { userId: a, otherUserId: c }),
      "jumpcloud",
    );
    expect(answer.status).toBe(200);
    expect((await w.call("GET", `/Groups/${created.body.id}`)).body.members).toEqual([
      expect.objectContaining({ value: b }),
    ]);
    await w.service.work();
    expect(w.operators()).toEqual([w.dialpadUser("b@example.com")?.id]);
  });
});
