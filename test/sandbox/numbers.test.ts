/**
 * The reserved number block: assign a named number or one of an area code, 400 when not reserved
 * or none is left, unassign returns it to the block, deleting a user releases its numbers.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { dialpadHttp, FAST, type Json } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let user: Json;

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
  api = dialpadHttp(sandbox);
  const hqId = sandbox.state.office("HQ")!.id;
  user = (await api.post("/users", { email: "caller@example.com", office_id: hqId })).body;
});
afterEach(() => sandbox.stop());

describe("seeded inventory", () => {
  it("holds at least 200 reserved E.164 numbers in area codes 415, 212, 646 (US) and 207 (London)", () => {
    const reserved = sandbox.state.reservedNumbers();
    expect(reserved.length).toBeGreaterThanOrEqual(200);
    for (const number of reserved) expect(number).toMatch(/^\+(1(415|212|646)\d{7}|44207946\d{4})$/);
    for (const areaCode of ["415", "212", "646", "207"]) {
      expect(sandbox.state.reservedNumbers(areaCode).length).toBeGreaterThan(0);
    }
  });
});

describe("POST /users/{id}/assign_number", () => {
  it("takes a named reserved number and answers its NumberProto", async () => {
    const number = sandbox.state.reservedNumbers("212")[3]!;
    const assigned = await api.post(`/users/${user.id}/assign_number`, { number });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      number,
      area_code: "212",
      status: "user",
      target_id: user.id,
      target_type: "user",
    });
    expect((await api.get(`/users/${user.id}`)).body.phone_numbers).toEqual([number]);
    expect(sandbox.state.reservedNumbers()).not.toContain(number);
  });

  it("answers 400 for a number that is not reserved or already taken", async () => {
    expect((await api.post(`/users/${user.id}/assign_number`, { number: "+19995550000" })).status).toBe(400);
    const number = sandbox.state.reservedNumbers("415")[0]!;
    await api.post(`/users/${user.id}/assign_number`, { number });
    const again = await api.post(`/users/${user.id}/assign_number`, { number });
    expect(again.status).toBe(400);
  });

  it("takes one of an area code, and answers 400 once that area code is exhausted", async () => {
    const pool = sandbox.state.reservedNumbers("646");
    const assigned = await api.post(`/users/${user.id}/assign_number`, { area_code: "646" });
    expect(pool).toContain(assigned.body.number);
    for (let i = 1; i < pool.length; i++) {
      expect(
        (await api.post(`/users/${user.id}/assign_number`, { area_code: "646", primary: false })).status,
      ).toBe(200);
    }
    const exhausted = await api.post(`/users/${user.id}/assign_number`, { area_code: "646" });
    expect(exhausted.status).toBe(400);
    expect(exhausted.body.error.message).toContain("646");
    expect((await api.post(`/users/${user.id}/assign_number`, { area_code: "999" })).status).toBe(400);
  });

  it("puts a primary number first and a secondary one last", async () => {
    const [a, b, c] = sandbox.state.reservedNumbers("415");
    await api.post(`/users/${user.id}/assign_number`, { number: a });
    await api.post(`/users/${user.id}/assign_number`, { number: b, primary: true });
    await api.post(`/users/${user.id}/assign_number`, { number: c, primary: false });
    expect((await api.get(`/users/${user.id}`)).body.phone_numbers).toEqual([b, a, c]);
  });

  it("answers 404 for an unknown user", async () => {
    expect((await api.post("/users/5137304475768500000/assign_number", { area_code: "415" })).status).toBe(
      404,
    );
  });
});

describe("POST /users/{id}/unassign_number", () => {
  it("returns the number to the reserved block", async () => {
    const { number } = (await api.post(`/users/${user.id}/assign_number`, { area_code: "415" })).body;
    const unassigned = await api.post(`/users/${user.id}/unassign_number`, { number });
    expect(unassigned.status).toBe(200);
    expect(unassigned.body).toMatchObject({ number, status: "available" });
    expect(unassigned.body).not.toHaveProperty("target_id");
    expect((await api.get(`/users/${user.id}`)).body).not.toHaveProperty("phone_numbers");
    expect(sandbox.state.reservedNumbers("415")).toContain(number);
  });

  it("answers 400 without a number or for a number the user does not have", async () => {
    expect((await api.post(`/users/${user.id}/unassign_number`, {})).status).toBe(400);
    const other = sandbox.state.reservedNumbers("415")[0];
    expect((await api.post(`/users/${user.id}/unassign_number`, { number: other })).status).toBe(400);
  });
});

describe("numbers and the user's lifecycle", () => {
  it("DELETE user releases its numbers; PATCH phone_numbers may only reorder or remove", async () => {
    const { number: first } = (await api.post(`/users/${user.id}/assign_number`, { area_code: "415" })).body;
    const { number: second } = (await api.post(`/users/${user.id}/assign_number`, { area_code: "212" })).body;
    expect((await api.patch(`/users/${user.id}`, { phone_numbers: [first, "+14155550000"] })).status).toBe(
      400,
    );
    const reordered = await api.patch(`/users/${user.id}`, { phone_numbers: [first] });
    expect(reordered.body.phone_numbers).toEqual([first]);
    expect(sandbox.state.reservedNumbers("212")).toContain(second);

    await api.delete(`/users/${user.id}`);
    expect(sandbox.state.reservedNumbers("415")).toContain(first);
    expect(sandbox.state.numbers().filter((n) => n.status === "user")).toEqual([]);
  });
});
