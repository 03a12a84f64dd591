/**
 * The sandbox's endpoints for movers and number handoffs: office moves (seats, numbers lost between
 * countries), numbers handed to users, departments, call centers and offices, numbers returned to
 * the pool or released, departments, single offices and call centers; and the two strict modes
 * (`GET /users` default filter active-only, `null` for unset fields) switched over the control route.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { controlHttp, dialpadHttp, FAST, type Json } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let ids: { hq: string; london: string; berlin: string; remote: string };

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
  api = dialpadHttp(sandbox);
  const office = (name: string) => sandbox.state.office(name)!.id;
  ids = { hq: office("HQ"), london: office("London"), berlin: office("Berlin"), remote: office("Remote") };
});
afterEach(() => sandbox.stop());

async function userWithNumber(email: string, officeId = ids.hq): Promise<Json> {
  const user = (await api.post("/users", { email, office_id: officeId })).body;
  await api.post(`/users/${user.id}/assign_number`, { area_code: "415" });
  return (await api.get(`/users/${user.id}`)).body;
}

const path = (number: string, rest = "") => `/numbers/${encodeURIComponent(number)}${rest}`;

describe("seed for movers", () => {
  it("has London with few seats, Berlin with exactly two talk seats, a London call center and departments", () => {
    expect(sandbox.state.availableSeats(ids.london)).toEqual({
      talk_lines: 5,
      sell_lines: 2,
      contact_center_lines: 2,
    });
    expect(sandbox.state.availableSeats(ids.berlin).talk_lines).toBe(2);
    expect(sandbox.state.callCenter("London Support")?.officeId).toBe(ids.london);
    expect(sandbox.state.departments().map((d) => [d.name, d.officeId])).toEqual([
      ["Reception", ids.hq],
      ["London Reception", ids.london],
    ]);
    expect(sandbox.state.reservedNumbers("207").length).toBeGreaterThan(0);
  });
});

describe("PATCH /users/{id}/move_office", () => {
  it("moves the seat, and keeps the numbers within a country", async () => {
    const user = await userWithNumber("mover@example.com");
    const remoteTalk = sandbox.state.availableSeats(ids.remote).talk_lines;
    const moved = await api.patch(`/users/${user.id}/move_office`, { office_id: ids.remote });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ office_id: ids.remote, phone_numbers: user.phone_numbers });
    expect(sandbox.state.availableSeats(ids.remote).talk_lines).toBe(remoteTalk - 1);
  });

  it("between countries the numbers go back to the pool and a number of the new country is assigned", async () => {
    const user = await userWithNumber("to.london@example.com");
    const [number] = user.phone_numbers;
    const moved = await api.patch(`/users/${user.id}/move_office`, { office_id: ids.london });
    expect(moved.body.office_id).toBe(ids.london);
    expect(moved.body.phone_numbers).toEqual([expect.stringMatching(/^\+44207946/)]);
    expect(sandbox.state.number(number)?.status).toBe("available");
    expect(sandbox.state.number(moved.body.phone_numbers[0])).toMatchObject({
      status: "user",
      targetId: user.id,
    });
    expect(sandbox.state.availableSeats(ids.london).talk_lines).toBe(4);
  });

  it("between countries without a free number of the new country the user is left without one", async () => {
    const user = await userWithNumber("to.berlin@example.com");
    const moved = await api.patch(`/users/${user.id}/move_office`, { office_id: ids.berlin });
    expect(moved.body.phone_numbers).toBeUndefined();
    expect(sandbox.state.reservedNumbers()).toContain(user.phone_numbers[0]);
  });

  it("answers 400 (no licences) when the target office has no seat, and changes nothing", async () => {
    const user = await userWithNumber("stuck@example.com");
    sandbox.seed.seats(ids.berlin, { talk_lines: 0 });
    const refused = await api.patch(`/users/${user.id}/move_office`, { office_id: ids.berlin });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/No available licenses/);
    expect(sandbox.state.user(user.id)).toMatchObject({ officeId: ids.hq, phoneNumbers: user.phone_numbers });
  });

  it("PATCH /users/{id} refuses a move to another country while the user has numbers, and changes nothing", async () => {
    const user = await userWithNumber("patcher@example.com");
    const refused = await api.patch(`/users/${user.id}`, { office_id: ids.london });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/must not have phone numbers/);
    expect(sandbox.state.user(user.id)).toMatchObject({ officeId: ids.hq, phoneNumbers: user.phone_numbers });
    expect(sandbox.state.number(user.phone_numbers[0])).toMatchObject({ status: "user", targetId: user.id });
    // Within the country, and without numbers, PATCH moves as before.
    expect((await api.patch(`/users/${user.id}`, { office_id: ids.remote })).body.office_id).toBe(ids.remote);
    const bare = (await api.post("/users", { email: "bare@example.com", office_id: ids.hq })).body;
    expect((await api.patch(`/users/${bare.id}`, { office_id: ids.london })).body.office_id).toBe(ids.london);
  });

  it("answers 400 without office_id and 404 for an unknown office", async () => {
    const user = await userWithNumber("bad.move@example.com");
    expect((await api.patch(`/users/${user.id}/move_office`, {})).status).toBe(400);
    expect((await api.patch(`/users/${user.id}/move_office`, { office_id: "1" })).status).toBe(404);
  });
});

describe("POST /numbers/{number}/assign and DELETE /numbers/{number}", () => {
  it("hands a user's number to another user, a department, a call center and an office", async () => {
    const leaver = await userWithNumber("leaver@example.com");
    const manager = (await api.post("/users", { email: "manager@example.com", office_id: ids.hq })).body;
    const [number] = leaver.phone_numbers;

    const toManager = await api.post(path(number, "/assign"), { target_id: manager.id, target_type: "user" });
    expect(toManager.body).toMatchObject({
      number,
      status: "user",
      target_id: manager.id,
      target_type: "user",
    });
    expect((await api.get(`/users/${leaver.id}`)).body.phone_numbers).toBeUndefined();
    expect((await api.get(`/users/${manager.id}`)).body.phone_numbers).toEqual([number]);

    const reception = sandbox.state.department("Reception")!.id;
    const toDepartment = await api.post(path(number, "/assign"), {
      target_id: reception,
      target_type: "department",
    });
    expect(toDepartment.body).toMatchObject({
      status: "department",
      target_type: "department",
      office_id: ids.hq,
    });
    expect((await api.get(`/departments/${reception}`)).body.phone_numbers).toEqual([number]);
    expect((await api.get(`/users/${manager.id}`)).body.phone_numbers).toBeUndefined();

    const support = sandbox.state.callCenter("Support")!.id;
    const toCallCenter = await api.post(path(number, "/assign"), {
      target_id: support,
      target_type: "callcenter",
    });
    expect(toCallCenter.body).toMatchObject({
      status: "call_center",
      target_type: "callcenter",
      target_id: support,
    });
    expect((await api.get(`/callcenters/${support}`)).body.phone_numbers).toEqual([number]);

    const again = await api.post(path(number, "/assign"), { target_id: support, target_type: "callcenter" });
    expect(again.body).toEqual(toCallCenter.body);

    await api.post(path(number, "/assign"), { target_id: ids.london, target_type: "office" });
    expect((await api.get(`/offices/${ids.london}`)).body.phone_numbers).toEqual([number]);
    expect((await api.get(`/callcenters/${support}`)).body.phone_numbers).toBeUndefined();
  });

  it("answers 404 for an unknown target or number, 400 for a target type it does not hold numbers for", async () => {
    const user = await userWithNumber("holder@example.com");
    const [number] = user.phone_numbers;
    const unknownUser = await api.post(path(number, "/assign"), { target_id: "1", target_type: "user" });
    expect(unknownUser.status).toBe(404);
    const unknownDepartment = await api.post(path(number, "/assign"), {
      target_id: "1",
      target_type: "department",
    });
    expect(unknownDepartment.status).toBe(404);
    expect((await api.post(path(number, "/assign"), { target_id: "1", target_type: "room" })).status).toBe(
      400,
    );
    expect((await api.post(path(number, "/assign"), { target_type: "user" })).status).toBe(400);
    expect(
      (await api.post(path("+19995550000", "/assign"), { target_id: user.id, target_type: "user" })).status,
    ).toBe(404);
    expect(sandbox.state.user(user.id)?.phoneNumbers).toEqual([number]);
  });

  it("returns a number to the pool, or releases it out of the company", async () => {
    const user = await userWithNumber("giver@example.com");
    const [number] = user.phone_numbers;
    const unassigned = await api.delete(path(number));
    expect(unassigned.body).toMatchObject({ number, status: "available" });
    expect(unassigned.body.target_id).toBeUndefined();
    expect(sandbox.state.reservedNumbers()).toContain(number);
    expect((await api.get(`/users/${user.id}`)).body.phone_numbers).toBeUndefined();

    const released = await api.delete(path(number, "?release=true"));
    expect(released.body).toMatchObject({ number, deleted: true });
    expect(sandbox.state.number(number)).toBeUndefined();
    expect((await api.delete(path(number, "?release=true"))).status).toBe(404);
    expect((await api.delete(path(sandbox.state.reservedNumbers()[0]!, "?release=maybe"))).status).toBe(400);
  });

  it("a deleted user's handed-off number stays with its new holder", async () => {
    const leaver = await userWithNumber("gone@example.com");
    const [number] = leaver.phone_numbers;
    const reception = sandbox.state.department("Reception")!.id;
    await api.post(path(number, "/assign"), { target_id: reception, target_type: "department" });
    await api.delete(`/users/${leaver.id}`);
    expect(sandbox.state.number(number)).toMatchObject({ status: "department", targetId: reception });
  });
});

describe("a company without a reserved pool (reservedPool: false)", () => {
  it("an unassigned number and the numbers left on a deleted user leave the company; a parked one stays", async () => {
    expect((await controlHttp(sandbox).post("/config", { reservedPool: false })).body.reservedPool).toBe(
      false,
    );
    const user = await userWithNumber("nopool@example.com");
    const [first] = user.phone_numbers;
    const second = (await api.post(`/users/${user.id}/assign_number`, { area_code: "415", primary: false }))
      .body.number;
    const third = (await api.post(`/users/${user.id}/assign_number`, { area_code: "415", primary: false }))
      .body.number;

    const unassigned = await api.post(`/users/${user.id}/unassign_number`, { number: first });
    expect(unassigned.body).toMatchObject({ number: first, deleted: true });
    expect(sandbox.state.number(first)).toBeUndefined();
    expect((await api.post(`/users/${user.id}/assign_number`, { number: first })).status).toBe(400);
    expect(
      (await api.post(path(first, "/assign"), { target_id: ids.hq, target_type: "office" })).status,
    ).toBe(404);

    await api.post(path(second, "/assign"), { target_id: ids.hq, target_type: "office" });
    await api.delete(`/users/${user.id}`);
    expect(sandbox.state.number(second)).toMatchObject({ status: "office", targetId: ids.hq });
    expect(sandbox.state.number(third)).toBeUndefined();
    expect(sandbox.state.reservedNumbers()).not.toContain(third);
  });
});

describe("departments, offices and call centers by id", () => {
  it("lists departments (by office, by name) and gets one", async () => {
    const all = (await api.get("/departments")).body.items.map((d: Json) => d.name);
    expect(all).toEqual(["Reception", "London Reception"]);
    const inLondon = (await api.get(`/departments?office_id=${ids.london}`)).body.items;
    expect(inLondon.map((d: Json) => d.name)).toEqual(["London Reception"]);
    expect((await api.get("/departments?name_search=london")).body.items).toHaveLength(1);
    const one = await api.get(`/departments/${inLondon[0].id}`);
    expect(one.body).toMatchObject({ name: "London Reception", office_id: ids.london, country: "gb" });
    expect((await api.get("/departments/1")).status).toBe(404);
  });

  it("gets an office and a call center", async () => {
    expect((await api.get(`/offices/${ids.berlin}`)).body).toMatchObject({ name: "Berlin", country: "de" });
    const support = sandbox.state.callCenter("London Support")!.id;
    expect((await api.get(`/callcenters/${support}`)).body).toMatchObject({
      name: "London Support",
      office_id: ids.london,
    });
    expect((await api.get("/offices/1")).status).toBe(404);
    expect((await api.get("/callcenters/1")).status).toBe(404);
  });
});

describe("strict modes over the control route", () => {
  it("usersDefaultState=active hides suspended users from GET /users without state, not from state=all", async () => {
    const control = controlHttp(sandbox);
    const user = (await api.post("/users", { email: "sleeper@example.com", office_id: ids.hq })).body;
    await api.patch(`/users/${user.id}`, { state: "suspended" });
    const byEmail = "/users?email=sleeper%40example.com";
    expect((await api.get(byEmail)).body.items).toHaveLength(1);

    expect((await control.post("/config", { usersDefaultState: "active" })).body.usersDefaultState).toBe(
      "active",
    );
    expect((await api.get(byEmail)).body).toEqual({});
    expect((await api.get(`${byEmail}&state=all`)).body.items).toHaveLength(1);
    expect((await api.get(`${byEmail}&state=suspended`)).body.items).toHaveLength(1);
    expect((await control.post("/config", { usersDefaultState: "everyone" })).status).toBe(400);
  });

  it("nullForUnset writes unset fields as null, on every proto", async () => {
    const control = controlHttp(sandbox);
    const user = (await api.post("/users", { email: "nulls@example.com", office_id: ids.hq })).body;
    expect(user).not.toHaveProperty("phone_numbers");
    await control.post("/config", { nullForUnset: true });
    const read = (await api.get(`/users/${user.id}`)).body;
    expect(read).toMatchObject({ id: user.id, phone_numbers: null, group_details: null, job_title: null });
    expect(Object.keys(read).length).toBe(36);
    const support = sandbox.state.callCenter("Support")!.id;
    expect((await api.get(`/callcenters/${support}/operators`)).body).toEqual({ users: null, rooms: null });
    expect((await api.get(`/offices/${ids.hq}`)).body.phone_numbers).toBeNull();
  });
});
