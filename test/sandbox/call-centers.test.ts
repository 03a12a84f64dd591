/**
 * Call centers and operators: add needs an active user (400) and refuses duplicates (409); remove
 * is a DELETE with a JSON body (400 without user_id); memberships show in group_details; deleting a
 * user takes it out of every call center. Departments take operators and admins too.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { dialpadHttp, FAST, type Json } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let support: string;
let sales: string;
let user: Json;

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
  api = dialpadHttp(sandbox);
  support = sandbox.state.callCenter("Support")!.id;
  sales = sandbox.state.callCenter("Sales")!.id;
  const hqId = sandbox.state.office("HQ")!.id;
  user = (
    await api.post("/users", {
      email: "agent@example.com",
      office_id: hqId,
      first_name: "Ann",
      last_name: "Agent",
    })
  ).body;
});
afterEach(() => sandbox.stop());

const operatorIds = async (callCenterId: string) =>
  ((await api.get(`/callcenters/${callCenterId}/operators`)).body.users ?? []).map((u: Json) => u.id);

describe("operators", () => {
  it("adds an operator (UserOrRoomProto answer), lists it, and shows the membership in group_details", async () => {
    const added = await api.post(`/callcenters/${support}/operators`, {
      user_id: user.id,
      role: "supervisor",
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: user.id, name: "Ann Agent", state: "active" });

    const listed = await api.get(`/callcenters/${support}/operators`);
    expect(listed.body).toEqual({ users: [expect.objectContaining({ id: user.id })] });
    expect(listed.body).not.toHaveProperty("items");
    expect((await api.get(`/users/${user.id}`)).body.group_details).toEqual([
      { group_id: support, group_type: "callcenter", role: "supervisor" },
    ]);
  });

  it("accepts user_id as a JSON number beyond 2^53", async () => {
    const added = await api.post(`/callcenters/${support}/operators`, `{"user_id": ${user.id}}`);
    expect(added.status).toBe(200);
    expect(added.body.id).toBe(user.id);
  });

  it("answers 409 to a duplicate add and 400 for a user that is not active", async () => {
    await api.post(`/callcenters/${support}/operators`, { user_id: user.id });
    const duplicate = await api.post(`/callcenters/${support}/operators`, { user_id: user.id });
    expect(duplicate.status).toBe(409);

    await api.patch(`/users/${user.id}`, { state: "suspended" });
    expect((await api.post(`/callcenters/${sales}/operators`, { user_id: user.id })).status).toBe(400);
    expect((await api.post(`/callcenters/${sales}/operators`, {})).status).toBe(400);
    expect((await api.post("/callcenters/1/operators", { user_id: user.id })).status).toBe(404);
  });

  it("removes an operator with DELETE and a JSON body; 400 without the body", async () => {
    await api.post(`/callcenters/${support}/operators`, { user_id: user.id });
    const noBody = await api.delete(`/callcenters/${support}/operators`);
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.message).toContain("user_id");
    expect(await operatorIds(support)).toEqual([user.id]);

    const removed = await api.delete(`/callcenters/${support}/operators`, { user_id: user.id });
    expect(removed.status).toBe(200);
    expect(removed.body.id).toBe(user.id);
    expect(await api.get(`/callcenters/${support}/operators`)).toMatchObject({ status: 200, body: {} });
    expect((await api.get(`/users/${user.id}`)).body).not.toHaveProperty("group_details");
    expect((await api.delete(`/callcenters/${support}/operators`, { user_id: user.id })).status).toBe(404);
  });

  it("DELETE user removes it from every call center", async () => {
    await api.post(`/callcenters/${support}/operators`, { user_id: user.id });
    await api.post(`/callcenters/${sales}/operators`, { user_id: user.id, role: "admin" });
    await api.delete(`/users/${user.id}`);
    expect(await operatorIds(support)).toEqual([]);
    expect(await operatorIds(sales)).toEqual([]);
    expect((await api.get(`/users/${user.id}`)).body).not.toHaveProperty("group_details");
  });
});

describe("department operators", () => {
  it("adds a department admin (AddOperatorMessage) and shows it in group_details beside call centers", async () => {
    const reception = sandbox.state.department("Reception")!.id;
    const added = await api.post(`/departments/${reception}/operators`, { user_id: user.id, role: "admin" });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: user.id });
    await api.post(`/callcenters/${support}/operators`, { user_id: user.id, role: "admin" });

    expect((await api.get(`/users/${user.id}`)).body.group_details).toEqual([
      { group_id: support, group_type: "callcenter", role: "admin" },
      { group_id: reception, group_type: "department", role: "admin" },
    ]);
    // A department has no supervisors; a second add is a conflict.
    expect(
      (await api.post(`/departments/${reception}/operators`, { user_id: user.id, role: "supervisor" }))
        .status,
    ).toBe(400);
    expect((await api.post(`/departments/${reception}/operators`, { user_id: user.id })).status).toBe(409);
  });
});
