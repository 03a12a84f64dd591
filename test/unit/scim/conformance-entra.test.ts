/**
 * Microsoft Entra ID's requests (fixtures/entra.json) and the tests of its SCIM validator / gallery
 * list that apply to Users, against the API's SCIM routes on the memory service: each checks the
 * SCIM answer and, after the worker drains, what the fake Dialpad holds.
 */
import { describe, expect, it } from "vitest";
import { payload } from "./idp-payloads";
import { DIALPAD, ENTERPRISE, scimWorld } from "./scim-harness";

const query = (params: Record<string, string>) => `/Users?${new URLSearchParams(params).toString()}`;

/** A world with HQ as the default office, and Entra's user created and onboarded. */
async function withEntraUser(extra: Record<string, unknown> = {}) {
  const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
  const created = await w.post({ ...payload("entra", "createUser"), ...extra });
  expect(created.status).toBe(201);
  await w.service.work();
  const patch = (body: unknown) => w.call("PATCH", `/Users/${created.body.id}`, body);
  return { w, id: created.body.id as string, patch, email: "alan.turing@example.com" };
}

describe("Microsoft Entra ID", () => {
  it("Test connection: a filter on a random GUID answers 200 and an empty list", async () => {
    const w = scimWorld();
    for (const filter of [
      payload("entra", "testConnectionQuery").filter,
      'id eq "e6a1b1f4-8f5c-4b0b-9d62-3f1c1f3f0a77"',
      'externalId eq "e6a1b1f4-8f5c-4b0b-9d62-3f1c1f3f0a77"',
    ]) {
      const answer = await w.get(query({ filter }));
      expect(answer.status, filter).toBe(200);
      expect(answer.body, filter).toMatchObject({
        totalResults: 0,
        itemsPerPage: 0,
        startIndex: 1,
        Resources: [],
      });
    }
  });

  it("Create_User with Entra's nulls: 201, onboarded, the nulls stored as nothing", async () => {
    const { w, id, email } = await withEntraUser();
    const read = (await w.get(`/Users/${id}`)).body;
    expect(read).toMatchObject({
      userName: email,
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      active: true,
      name: { givenName: "Alan", familyName: "Turing" },
      [ENTERPRISE]: { employeeNumber: "1912" },
    });
    expect(read).not.toHaveProperty("title");
    expect(read[ENTERPRISE]).not.toHaveProperty("manager");
    expect(w.service.dialpad.byEmail(email)).toEqual([
      expect.objectContaining({ state: "active", first_name: "Alan", last_name: "Turing" }),
    ]);
    // Entra then finds it by userName and by externalId.
    for (const filter of [`userName eq "${email}"`, 'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'])
      expect((await w.get(query({ filter }))).body.Resources, filter).toEqual([
        expect.objectContaining({ id }),
      ]);
  });

  it('Disable_User with the string "False", then enable with "True": the same Dialpad user', async () => {
    const { w, patch, email, id } = await withEntraUser();
    const [before] = w.service.dialpad.byEmail(email);
    const off = await patch(payload("entra", "disableUser"));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    await w.service.work();
    expect(w.service.dialpad.byEmail(email)).toEqual([
      expect.objectContaining({ id: before?.id, state: "suspended" }),
    ]);
    // The validator reads it back by filter and expects `active`.
    expect((await w.get(query({ filter: `userName eq "${email}"` }))).body.Resources[0]).toMatchObject({
      id,
      active: false,
    });
    const on = await patch(payload("entra", "enableUser"));
    expect(on.body.active).toBe(true);
    await w.service.work();
    expect(w.service.dialpad.byEmail(email)).toEqual([
      expect.objectContaining({ id: before?.id, state: "active" }),
    ]);
  });

  it("deprovision: Replace on a work phone not present yet, bundled with active False, hands the number to the manager", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const boss = await w.post(w.oktaUser("boss@example.com"));
    const created = await w.post({
      ...payload("entra", "createUser"),
      [ENTERPRISE]: { manager: boss.body.id },
      [DIALPAD]: { areaCode: "212" },
    });
    expect(created.status).toBe(201);
    await w.service.work();
    const [alan] = w.service.dialpad.byEmail("alan.turing@example.com");
    const numbers = alan?.phone_numbers ?? [];
    expect(numbers).toHaveLength(1);

    const answer = await w.call(
      "PATCH",
      `/Users/${created.body.id}`,
      payload("entra", "deprovisionWithWorkPhone"),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.active).toBe(false);
    await w.service.work();
    expect(w.service.dialpad.byEmail("alan.turing@example.com")).toEqual([
      expect.objectContaining({ state: "suspended", phone_numbers: [] }),
    ]);
    expect(w.service.dialpad.byEmail("boss@example.com")[0]?.phone_numbers).toEqual(
      expect.arrayContaining(numbers),
    );
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
    // A second deprovision (Entra retries) starts nothing new.
    const jobs = w.service.jobs.all().length;
    expect(
      (await w.call("PATCH", `/Users/${created.body.id}`, payload("entra", "deprovisionWithWorkPhone")))
        .status,
    ).toBe(200);
    expect(w.service.jobs.all()).toHaveLength(jobs);
  });

  it("Update_User multi-valued (work email, family name): the family name reaches Dialpad", async () => {
    const { w, patch, email } = await withEntraUser();
    const answer = await patch(payload("entra", "updateMultiValued"));
    expect(answer.status).toBe(200);
    expect(answer.body.name).toMatchObject({ familyName: "Mathison-Turing" });
    await w.service.work();
    expect(w.service.dialpad.byEmail(email)[0]).toMatchObject({
      last_name: "Mathison-Turing",
      state: "active",
    });
  });

  it("path-less operations with dotted and schema-qualified keys (aadOptscim062020)", async () => {
    const w = scimWorld({ settings: { scimDefaultOffice: "HQ" } });
    const boss = await w.post(w.oktaUser("boss@example.com"));
    const created = await w.post(payload("entra", "createUser"));
    await w.service.work();
    const answer = await w.call(
      "PATCH",
      `/Users/${created.body.id}`,
      payload("entra", "pathlessOptscim062020", { managerId: boss.body.id }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      active: false,
      name: { givenName: "Alan Mathison", familyName: "Turing" },
      [ENTERPRISE]: { department: "Codebreaking", employeeNumber: "1912", manager: { value: boss.body.id } },
    });
    await w.service.work();
    expect(w.service.dialpad.byEmail("alan.turing@example.com")[0]).toMatchObject({ state: "suspended" });
  });

  it("manager set, changed and removed; an old-style [{value}] at the path manager", async () => {
    const w = scimWorld();
    const [a, b] = [await w.post(w.oktaUser("a@example.com")), await w.post(w.oktaUser("b@example.com"))];
    const created = await w.post(payload("entra", "createUser"));
    const patch = (body: unknown) => w.call("PATCH", `/Users/${created.body.id}`, body);
    const managerOf = async () => (await w.get(`/Users/${created.body.id}`)).body[ENTERPRISE]?.manager;

    expect((await patch(payload("entra", "setManager", { managerId: a.body.id }))).status).toBe(200);
    expect(await managerOf()).toEqual({
      value: a.body.id,
      $ref: expect.stringContaining(`/Users/${a.body.id}`),
    });
    await patch(payload("entra", "changeManager", { managerId: b.body.id }));
    expect((await managerOf())?.value).toBe(b.body.id);
    expect((await patch(payload("entra", "removeManager"))).status).toBe(200);
    expect(await managerOf()).toBeUndefined();
    await patch(payload("entra", "setManagerOldStyle", { managerId: a.body.id }));
    expect((await managerOf())?.value).toBe(a.body.id);
  });

  it("null updates clear department and externalId, nothing else", async () => {
    const { w, id, patch } = await withEntraUser({
      [ENTERPRISE]: { department: "Maths", employeeNumber: "1912" },
    });
    const answer = await patch(payload("entra", "nullUpdates"));
    expect(answer.status).toBe(200);
    const read = (await w.get(`/Users/${id}`)).body;
    expect(read).not.toHaveProperty("externalId");
    expect(read[ENTERPRISE]).toEqual({ employeeNumber: "1912" });
    expect(read).toMatchObject({ active: true, name: { givenName: "Alan" } });
  });

  it("paging with count=5 over 7 users", async () => {
    const w = scimWorld();
    for (let i = 0; i < 7; i++) await w.post(w.oktaUser(`p${i}@example.com`));
    const first = (await w.get(query({ startIndex: "1", count: "5" }))).body;
    const second = (await w.get(query({ startIndex: "6", count: "5" }))).body;
    expect(first).toMatchObject({ totalResults: 7, startIndex: 1, itemsPerPage: 5 });
    expect(second).toMatchObject({ totalResults: 7, startIndex: 6, itemsPerPage: 2 });
    const ids = [...first.Resources, ...second.Resources].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(7);
  });

  it("hard DELETE 30 days later: 204, then 404 and not listed; Dialpad suspended, never deleted", async () => {
    const { w, id, patch, email } = await withEntraUser();
    await patch(payload("entra", "disableUser"));
    await w.service.work();
    const deleted = await w.call("DELETE", `/Users/${id}`);
    expect(deleted.status).toBe(204);
    expect((await w.get(`/Users/${id}`)).status).toBe(404);
    expect((await w.get(query({ filter: `userName eq "${email}"` }))).body.totalResults).toBe(0);
    await w.service.work();
    expect(w.service.dialpad.byEmail(email)).toEqual([expect.objectContaining({ state: "suspended" })]);
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
  });

  it("a DELETE of an active user offboards it like a deactivation", async () => {
    const { w, id, email } = await withEntraUser();
    expect((await w.call("DELETE", `/Users/${id}`)).status).toBe(204);
    await w.service.work();
    expect(w.service.dialpad.byEmail(email)).toEqual([expect.objectContaining({ state: "suspended" })]);
    expect(w.service.dialpad.count("deleteUser")).toBe(0);
  });
});
