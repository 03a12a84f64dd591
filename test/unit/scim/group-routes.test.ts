/**
 * SCIM groups through the API function on the memory service, with the real Users service: what an
 * IdP's group requests answer, and what they then change in (fake) Dialpad once the worker ran.
 */
import { describe, expect, it } from "vitest";
import { toProxyEvent } from "../../../local/runtime/api-gateway-event";
import { respondToError } from "../../../shared/http/http-error-handler";
import { refreshOfficeSeats } from "../../../shared/lifecycle/office-seats";
import { memoryApi, memoryOfficeSeats } from "../support/memory-api";
import { memoryService } from "../support/memory-service";

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const OKTA = { client: "okta", scopes: "scim" };
const ops = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  body: any;
  headers: Record<string, unknown>;
}

async function groupWorld(options: { scimDefaultOffice?: string; readNames?: boolean } = {}) {
  const service = memoryService();
  const paris = service.dialpad.addOffice("Paris", { talk_lines: 1 });
  const full = service.dialpad.addOffice("Full", { talk_lines: 0 });
  const sales = service.dialpad.addCallCenter("Sales", service.hq.id);
  const seats = memoryOfficeSeats(service);
  const api = memoryApi(service, { scimDefaultOffice: options.scimDefaultOffice }, seats.deps);
  if (options.readNames !== false)
    await refreshOfficeSeats({
      dialpad: service.dialpad,
      offices: seats.deps.offices,
      seats: service.lifecycle.seats,
      now: () => service.clock.now().getTime(),
    });

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const [rawPath = "", query] = path.split("?", 2);
    const built = toProxyEvent({
      method,
      path: `/scim/v2${rawPath}`,
      ...(query ? { query: new URLSearchParams(query) } : {}),
      headers: { "content-type": "application/scim+json", host: "127.0.0.1:3000" },
      body: body === undefined ? undefined : JSON.stringify(body),
      authorizer: OKTA,
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

  async function user(email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await call("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: email, primary: true, type: "work" }],
      active: true,
      ...extra,
    });
    expect(created.status).toBe(201);
    await service.work();
    return created.body.id;
  }
  const dialpadUser = (email: string) =>
    [...service.dialpad.users.values()].find((candidate) => candidate.emails.includes(email));
  const jobs = (kind: string) => service.jobs.all().filter((job) => job.kind === kind);
  return { service, paris, full, sales, call, user, dialpadUser, jobs, refreshes: seats.refreshesAsked };
}

describe("SCIM groups through the API", () => {
  it("moves a member of an office group to its office once the worker ran (Okta's push)", async () => {
    const w = await groupWorld({ scimDefaultOffice: "HQ" });
    const ada = await w.user("ada@example.com");
    expect(w.dialpadUser("ada@example.com")?.office_id).toBe(w.service.hq.id);
    const group = await w.call("POST", "/Groups", { displayName: "Paris", members: [] });
    expect(group.status).toBe(201);
    expect(group.headers["content-type"]).toBe("application/scim+json");
    await w.call(
      "PATCH",
      `/Groups/${group.body.id}`,
      ops({ op: "replace", value: { id: group.body.id, displayName: "Paris" } }),
    );
    expect(w.jobs("update")).toEqual([]);
    const added = await w.call(
      "PATCH",
      `/Groups/${group.body.id}`,
      ops({ op: "add", path: "members", value: [{ value: ada }] }),
    );
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([expect.objectContaining({ value: ada })]);
    expect(w.jobs("update")).toHaveLength(1);
    await w.service.work();
    expect(w.dialpadUser("ada@example.com")?.office_id).toBe(w.paris.id);
    expect(w.service.dialpad.offices.get(w.paris.id)?.seats.talk_lines).toBe(0);
  });

  it("fails the move with no_seats when the office has none, and moves nobody", async () => {
    const w = await groupWorld({ scimDefaultOffice: "HQ" });
    const ada = await w.user("ada@example.com");
    await w.call("POST", "/Groups", { displayName: "full", members: [{ value: ada }] });
    await w.service.work();
    expect(w.jobs("update").at(-1)).toMatchObject({ status: "failed", error: { code: "no_seats" } });
    expect(w.dialpadUser("ada@example.com")?.office_id).toBe(w.service.hq.id);
  });

  it("onboards someone awaiting an office when they join an office group, and wins over officeName", async () => {
    const w = await groupWorld();
    const ada = await w.user("ada@example.com");
    expect((await w.service.people.get("ada@example.com"))?.state).toBe("awaiting_office");
    expect(w.jobs("onboard")).toEqual([]);
    await w.call("POST", "/Groups", { displayName: "Paris", members: [{ value: ada }] });
    await w.service.work();
    expect(w.dialpadUser("ada@example.com")?.office_id).toBe(w.paris.id);
    // A later officeName does not move them back: the group's office wins.
    const dialpad = "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User";
    await w.call(
      "PATCH",
      `/Users/${ada}`,
      ops({ op: "replace", path: `${dialpad}:officeName`, value: "HQ" }),
    );
    await w.service.work();
    expect(w.dialpadUser("ada@example.com")?.office_id).toBe(w.paris.id);
  });

  it("suspends nobody and moves nobody when an office group is emptied or deleted (JumpCloud's disconnect)", async () => {
    const w = await groupWorld({ scimDefaultOffice: "HQ" });
    const ada = await w.user("ada@example.com");
    const bob = await w.user("bob@example.com");
    const group = await w.call("POST", "/Groups", { displayName: "Paris", members: [] });
    await w.call(
      "PATCH",
      `/Groups/${group.body.id}`,
      ops({ op: "add", path: "members", value: [{ value: ada }, { value: bob }] }),
    );
    await w.service.work();
    const before = w.service.jobs.all().length;
    const removed = await w.call(
      "PATCH",
      `/Groups/${group.body.id}`,
      ops({ op: "remove", path: "members", value: [{ value: ada }, { value: bob }] }),
    );
    expect(removed.body.members).toEqual([]);
    expect((await w.call("DELETE", `/Groups/${group.body.id}`)).status).toBe(204);
    expect(w.service.jobs.all().length).toBe(before);
    expect(w.jobs("offboard")).toEqual([]);
  });

  it("makes a call-center group's members its operators and removes who leaves (Entra's Remove)", async () => {
    const w = await groupWorld({ scimDefaultOffice: "HQ" });
    const ada = await w.user("ada@example.com");
    const group = await w.call("POST", "/Groups", { displayName: "sales", members: [{ value: ada }] });
    await w.service.work();
    const userId = w.dialpadUser("ada@example.com")?.id ?? "";
    expect(w.service.dialpad.callCenters.get(w.sales.id)?.operators.has(userId)).toBe(true);
    await w.call(
      "PATCH",
      `/Groups/${group.body.id}`,
      ops({ op: "Remove", path: "members", value: [{ value: ada }] }),
    );
    await w.service.work();
    expect(w.service.dialpad.callCenters.get(w.sales.id)?.operators.has(userId)).toBe(false);
  });

  it("starts no second job for a replayed PATCH", async () => {
    const w = await groupWorld({ scimDefaultOffice: "HQ" });
    const ada = await w.user("ada@example.com");
    const group = await w.call("POST", "/Groups", { displayName: "Sales", members: [] });
    const add = ops({ op: "add", path: "members", value: [{ value: ada }] });
    await w.call("PATCH", `/Groups/${group.body.id}`, add);
    const after = w.service.jobs.all().length;
    expect((await w.call("PATCH", `/Groups/${group.body.id}`, add)).status).toBe(200);
    expect(w.service.jobs.all().length).toBe(after);
  });

  it("answers Entra's lookup by displayName without members, and an unknown name with an empty list", async () => {
    const w = await groupWorld();
    const ada = await w.user("ada@example.com");
    await w.call("POST", "/Groups", {
      displayName: "Engineering",
      externalId: "e-1",
      members: [{ value: ada }],
    });
    const found = await w.call(
      "GET",
      `/Groups?filter=${encodeURIComponent('displayName eq "ENGINEERING"')}&excludedAttributes=members`,
    );
    expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.body.Resources[0].members).toBeUndefined();
    const none = await w.call(
      "GET",
      `/Groups?filter=${encodeURIComponent('displayName eq "7c8f0b1e-random"')}`,
    );
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
    const bad = await w.call("GET", `/Groups?filter=${encodeURIComponent('displayName co "Eng"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: "400", scimType: "invalidFilter" });
  });

  it("answers SCIM errors: 404, 409 uniqueness, 400 for an unknown member, 503 with Retry-After before the names are read", async () => {
    const w = await groupWorld({ readNames: false });
    const ada = await w.user("ada@example.com");
    expect((await w.call("GET", "/Groups/missing")).body).toMatchObject({ status: "404" });
    await w.call("POST", "/Groups", { displayName: "Eng" });
    expect((await w.call("POST", "/Groups", { displayName: "ENG" })).body).toMatchObject({
      status: "409",
      scimType: "uniqueness",
    });
    expect(
      (await w.call("POST", "/Groups", { displayName: "X", members: [{ value: "nobody" }] })).status,
    ).toBe(400);
    const early = await w.call("POST", "/Groups", { displayName: "Paris", members: [{ value: ada }] });
    expect(early.status).toBe(503);
    expect(early.headers["retry-after"]).toBeDefined();
    expect(early.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(w.refreshes).toEqual([{ type: "office_refresh" }]);
  });
});
