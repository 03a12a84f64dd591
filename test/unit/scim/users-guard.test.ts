/**
 * The mass-change guard on SCIM: on by default for `scim` clients (MASS_OFFBOARD_LIMIT, 10), only
 * deactivations and deletions of active people count, a held deactivation changes nothing in
 * Dialpad and SCIM keeps answering the person active, another deactivation answers the same held
 * job, and a reactivation cancels it.
 */
import { describe, expect, it } from "vitest";
import { DIALPAD, type IdpClient, OKTA, scimWorld } from "./scim-harness";

const deactivate = { op: "replace", value: { active: false } };
const reactivate = { op: "replace", value: { active: true } };

async function people(count: number, client: IdpClient = OKTA) {
  const w = scimWorld();
  w.service.hq.seats.talk_lines = 100;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await w.call(
      "POST",
      "/Users",
      w.oktaUser(`p${i}@example.com`, { [DIALPAD]: { officeName: "HQ" } }),
      client,
    );
    ids.push(answer.body.id);
  }
  await w.service.work();
  return { w, ids };
}

describe("the mass-change guard on SCIM", () => {
  it("is on by default for scim clients: 12 deactivations in a minute, the last 2 held; nothing of theirs changes", async () => {
    const { w, ids } = await people(12);
    const answers = [];
    for (const id of ids) answers.push(await w.call("PATCH", `/Users/${id}`, w.patch(deactivate)));
    const statuses = w.jobsOf("offboard").map((job) => job.status);
    expect(statuses).toEqual([...Array(10).fill("queued"), "held", "held"]);
    expect(answers.map((answer) => answer.body.active)).toEqual([...Array(10).fill(false), true, true]);
    expect(w.service.heldJobs).toHaveLength(2);
    await w.service.work();
    expect(w.service.dialpad.byEmail("p11@example.com")).toMatchObject([{ state: "active" }]);
    expect((await w.get(`/Users/${ids[11]}`)).body.active).toBe(true);
  });

  it("another deactivation of a held person answers the same held job", async () => {
    const { w, ids } = await people(3, { ...OKTA, massOffboardLimit: 2 });
    const client = { ...OKTA, massOffboardLimit: 2 };
    for (const id of ids) await w.call("PATCH", `/Users/${id}`, w.patch(deactivate), client);
    await w.call("PATCH", `/Users/${ids[2]}`, w.patch(deactivate), client);
    await w.call("DELETE", `/Users/${ids[2]}`, undefined, client);
    const offboards = w.jobsOf("offboard");
    expect(offboards.map((job) => job.status)).toEqual(["queued", "queued", "held"]);
  });

  it("a reactivation cancels the held job: nothing changes in Dialpad, SCIM answers active", async () => {
    const client = { ...OKTA, massOffboardLimit: 1 };
    const { w, ids } = await people(2, client);
    for (const id of ids) await w.call("PATCH", `/Users/${id}`, w.patch(deactivate), client);
    const held = w.jobsOf("offboard")[1];
    expect(held?.status).toBe("held");
    const answer = await w.call("PATCH", `/Users/${ids[1]}`, w.patch(reactivate), client);
    expect(answer.body.active).toBe(true);
    expect(await w.service.jobs.get(held?.job_id ?? "")).toMatchObject({ status: "cancelled" });
    expect(w.jobsOf("onboard")).toHaveLength(2);
    await w.service.work();
    expect(w.service.dialpad.byEmail("p1@example.com")).toMatchObject([{ state: "active" }]);
  });

  it("a released held job runs like any other: then SCIM answers inactive", async () => {
    const client = { ...OKTA, massOffboardLimit: 1 };
    const { w, ids } = await people(2, client);
    for (const id of ids) await w.call("PATCH", `/Users/${id}`, w.patch(deactivate), client);
    const held = w.jobsOf("offboard")[1];
    await w.service.release(held?.job_id ?? "");
    await w.service.work();
    expect(w.service.dialpad.byEmail("p1@example.com")).toMatchObject([{ state: "suspended" }]);
    expect((await w.get(`/Users/${ids[1]}`, client)).body.active).toBe(false);
  });

  it("counts only deactivations of active people: replays and people already inactive do not count", async () => {
    const client = { ...OKTA, massOffboardLimit: 1 };
    const w = scimWorld();
    const inactive = [];
    for (let i = 0; i < 3; i++)
      inactive.push(
        (await w.call("POST", "/Users", w.oktaUser(`off${i}@example.com`, { active: false }), client)).body
          .id,
      );
    for (const id of inactive) {
      await w.call("PATCH", `/Users/${id}`, w.patch(deactivate), client);
      await w.call("DELETE", `/Users/${id}`, undefined, client);
    }
    const active = await w.call(
      "POST",
      "/Users",
      w.oktaUser("on@example.com", { [DIALPAD]: { officeName: "HQ" } }),
      client,
    );
    await w.service.work();
    await w.call("PATCH", `/Users/${active.body.id}`, w.patch(deactivate), client);
    await w.call("PATCH", `/Users/${active.body.id}`, w.patch(deactivate), client);
    expect(w.jobsOf("offboard").map((job) => job.status)).toEqual(["queued"]);
  });
});
