/**
 * The client's operations for movers, number handoffs and imports against the sandbox over HTTP:
 * office moves (seats, numbers lost between countries), numbers handed to a user, department, call
 * center or office, returned to the pool or released, departments, single offices and call centers,
 * paged user listings; and look-ups that still find suspended users when Dialpad's default filter of
 * `GET /users` is active-only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { collect, rejectionOf, staticKey, testClient } from "./client-fixtures";

describe("DialpadClient for movers and handoffs, against the sandbox", () => {
  let sandbox: Sandbox;
  const api = () => testClient(sandbox.baseUrl, { apiKey: staticKey(sandbox.apiKey) }).client;
  const office = (name: string) => sandbox.state.office(name)!.id;
  const newUser = async (email: string, officeName = "HQ") => {
    const user = await api().createUser({ email, office_id: office(officeName) });
    const { number } = await api().assignNumber(user.id, { area_code: "415" });
    return { ...user, number: number! };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 10_000 });
  });
  afterEach(() => sandbox.configure({ usersDefaultState: "not_deleted", nullForUnset: false }));
  afterAll(() => sandbox.stop());

  it("moves a user between countries: one London seat used, the US number swapped for a London one", async () => {
    const user = await newUser("mover@example.com");
    const before = sandbox.state.availableSeats(office("London")).talk_lines;
    const moved = await api().moveOffice(user.id, office("London"));
    expect(moved.office_id).toBe(office("London"));
    expect(moved.phone_numbers).toEqual([expect.stringMatching(/^\+44/)]);
    expect(sandbox.state.reservedNumbers()).toContain(user.number);
    expect(sandbox.state.availableSeats(office("London")).talk_lines).toBe(before - 1);
    const again = await api().moveOffice(user.id, office("London"));
    expect(again.office_id).toBe(office("London"));
  });

  it("a move to an office without seats is no_seats, and the user stays", async () => {
    const user = await newUser("stayer@example.com");
    sandbox.seed.seats(office("Berlin"), { talk_lines: 0 });
    const error = await rejectionOf(api().moveOffice(user.id, office("Berlin")));
    expect(error).toMatchObject({ kind: "no_seats", status: 400, route: "/users/{id}/move_office" });
    expect((await api().getUser(user.id)).office_id).toBe(office("HQ"));
  });

  it("updates names, extension, licence, emails and admin rights in one PATCH", async () => {
    const user = await newUser("renamed@example.com");
    const updated = await api().updateUser(user.id, {
      first_name: "Grace",
      last_name: "Hopper",
      extension: "4242",
      license: "agents",
      emails: ["grace.hopper@example.com"],
      admin_office_ids: [office("HQ")],
      is_super_admin: false,
    });
    expect(updated).toMatchObject({
      first_name: "Grace",
      last_name: "Hopper",
      extension: "4242",
      license: "agents",
      emails: ["grace.hopper@example.com"],
      admin_office_ids: [office("HQ")],
      is_admin: true,
    });
    const revoked = await api().updateUser(user.id, { admin_office_ids: [], is_super_admin: false });
    expect(revoked.admin_office_ids).toBeUndefined();
    expect(revoked.is_admin).toBe(false);
  });

  it("hands a leaver's number to the manager, a department, a call center, an office, then the pool", async () => {
    const leaver = await newUser("leaver@example.com");
    const manager = await api().createUser({ email: "manager@example.com", office_id: office("HQ") });
    const toManager = await api().assignNumberToTarget(leaver.number, {
      target_id: manager.id,
      target_type: "user",
    });
    expect(toManager).toMatchObject({ number: leaver.number, target_id: manager.id, target_type: "user" });
    expect((await api().getUser(manager.id)).phone_numbers).toEqual([leaver.number]);
    expect((await api().getUser(leaver.id)).phone_numbers).toBeUndefined();

    const [reception] = await collect(api().listDepartments({ officeId: office("HQ") }));
    expect(reception?.name).toBe("Reception");
    await api().assignNumberToTarget(leaver.number, { target_id: reception!.id, target_type: "department" });
    expect((await api().getDepartment(reception!.id)).phone_numbers).toEqual([leaver.number]);

    const support = sandbox.state.callCenter("Support")!.id;
    await api().assignNumberToTarget(leaver.number, { target_id: support, target_type: "callcenter" });
    expect((await api().getCallCenter(support)).phone_numbers).toEqual([leaver.number]);

    await api().assignNumberToTarget(leaver.number, { target_id: office("HQ"), target_type: "office" });
    expect((await api().getOffice(office("HQ"))).phone_numbers).toEqual([leaver.number]);

    const pooled = await api().unassignNumberFromHolder(leaver.number);
    expect(pooled.status).toBe("available");
    expect(sandbox.state.reservedNumbers()).toContain(leaver.number);
  });

  it("releases a number out of the company; a repeat answers not_found", async () => {
    const user = await newUser("releaser@example.com");
    const released = await api().unassignNumberFromHolder(user.number, { release: true });
    expect(released.number).toBe(user.number);
    expect(sandbox.state.number(user.number)).toBeUndefined();
    const again = await rejectionOf(api().unassignNumberFromHolder(user.number, { release: true }));
    expect(again).toMatchObject({ kind: "not_found" });
  });

  it("an unknown handoff target is not_found and the number stays where it was", async () => {
    const user = await newUser("keeper@example.com");
    const error = await rejectionOf(
      api().assignNumberToTarget(user.number, {
        target_id: "5137304475768500000",
        target_type: "department",
      }),
    );
    expect(error).toMatchObject({ kind: "not_found", status: 404 });
    expect((await api().getUser(user.id)).phone_numbers).toEqual([user.number]);
  });

  it("pages through every user with listUsersPage, resuming from a cursor", async () => {
    sandbox.seed.users(150);
    const everyone = sandbox.state.users().map((u) => u.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api().listUsersPage(cursor);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen.sort()).toEqual([...everyone].sort());
    expect(pages).toBeGreaterThan(1);
  });

  it("with Dialpad's default filter active-only, look-ups still find suspended users", async () => {
    const user = await newUser("suspended.one@example.com");
    await api().updateUser(user.id, { state: "suspended" });
    sandbox.configure({ usersDefaultState: "active" });
    const found = await api().findUsersByEmail("suspended.one@example.com");
    expect(found.map((u) => [u.id, u.state])).toEqual([[user.id, "suspended"]]);
    const listed = await collect(api().listUsers());
    expect(listed.map((u) => u.id)).toContain(user.id);
    const queries = sandbox.stats().recentRequests.filter((r) => r.route === "GET /users");
    expect(queries.every((r) => r.query.state !== undefined)).toBe(true);
  });
});
