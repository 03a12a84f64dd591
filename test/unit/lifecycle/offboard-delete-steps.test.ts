/**
 * The offboarding and deletion step machines over in-memory ports: each course, and a crash at
 * each Dialpad change resuming right.
 */
import { describe, expect, it } from "vitest";
import type { Job } from "../../../shared/lifecycle/model";
import { runSweep } from "../../../shared/retention/run-sweep";
import type { DialpadMethod } from "../support/fake-dialpad";
import { type MemoryService, memoryService } from "../support/memory-service";

const DAY_MS = 24 * 3600 * 1000;
const stepStatuses = (job: Job) => Object.fromEntries(job.steps.map((step) => [step.name, step.status]));

async function activePerson(
  s: MemoryService,
  email: string,
  extra: { area_code?: string; call_center_ids?: string[] } = {},
) {
  const { job } = await s.onboard({ email, ...extra });
  await s.work();
  const done = (await s.jobs.get(job.job_id)) as Job;
  expect(done.status).toBe("succeeded");
  return s.dialpad.users.get(done.user_id ?? "") ?? expect.fail("no user");
}

async function offboarded(s: MemoryService, request: Parameters<MemoryService["offboard"]>[0]) {
  const { job } = await s.offboard(request);
  await s.work();
  return (await s.jobs.get(job.job_id)) as Job;
}

/** Offboards with retention 0 and runs the sweep and the delete job it makes. */
async function deleted(s: MemoryService, email: string) {
  await offboarded(s, { email, retention_days: 0 });
  s.clock.advance(1000);
  const sweep = await runSweep({ ...s.submit, people: s.people, requireApproval: false });
  await s.work();
  const [job] = s.jobs.all().filter((candidate) => candidate.kind === "delete");
  return { sweep, job: job as Job };
}

describe("offboarding", () => {
  it("suspends the user, removes it from call centers and records the retention deadline", async () => {
    const s = memoryService();
    const user = await activePerson(s, "leaver@example.com", { call_center_ids: [s.support.id] });
    const job = await offboarded(s, { email: "leaver@example.com" });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(user.state).toBe("suspended");
    expect(s.support.operators.has(user.id)).toBe(false);
    const person = await s.people.get("leaver@example.com");
    const expected = new Date(s.clock.now().getTime() + 30 * DAY_MS).toISOString();
    expect(person).toMatchObject({ state: "suspended", delete_after: expected });
    expect(job.progress).toMatchObject({ user_id: user.id, initial_state: "active", delete_after: expected });
  });

  it("takes the retention asked for in the request", async () => {
    const s = memoryService();
    await activePerson(s, "short@example.com");
    await offboarded(s, { email: "short@example.com", retention_days: 2 });
    const person = await s.people.get("short@example.com");
    expect(person?.delete_after).toBe(new Date(s.clock.now().getTime() + 2 * DAY_MS).toISOString());
  });

  it("finds the user by id and learns its email", async () => {
    const s = memoryService();
    const user = await activePerson(s, "byid@example.com");
    const job = await offboarded(s, { user_id: user.id });
    expect(job).toMatchObject({ status: "succeeded", email: "byid@example.com", user_id: user.id });
  });

  it("skips the suspension of a user already suspended", async () => {
    const s = memoryService();
    const user = s.dialpad.addUser({ email: "already@example.com", office_id: s.hq.id, state: "suspended" });
    const job = await offboarded(s, { email: "already@example.com" });
    expect(job.status).toBe("succeeded");
    expect(stepStatuses(job).suspend_user).toBe("skipped");
    expect(user.state).toBe("suspended");
  });

  it("fails user_not_found for an unknown email or id", async () => {
    const s = memoryService();
    expect(await offboarded(s, { email: "ghost@example.com" })).toMatchObject({
      status: "failed",
      error: { code: "user_not_found" },
    });
    expect(await offboarded(s, { user_id: "42" })).toMatchObject({
      status: "failed",
      error: { code: "user_not_found" },
    });
  });

  it("cancels the person's onboarding still waiting in the queue", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "quick@example.com", office_id: s.hq.id });
    const onboarding = await s.onboard({ email: "quick@example.com" });
    const offboarding = await s.offboard({ email: "quick@example.com" });
    await s.work();
    expect(await s.jobs.get(onboarding.job.job_id)).toMatchObject({ status: "cancelled" });
    expect(await s.jobs.get(offboarding.job.job_id)).toMatchObject({ status: "succeeded" });
  });

  const changes: DialpadMethod[] = ["updateUser", "removeOperator"];
  it.each(changes)(
    "an answer lost after %s still ends suspended, out of every call center",
    async (method) => {
      const s = memoryService();
      const user = await activePerson(s, "crash@example.com", { call_center_ids: [s.support.id] });
      s.dialpad.fail(method, { applied: true });
      const job = await offboarded(s, { email: "crash@example.com" });
      expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
      expect(user.state).toBe("suspended");
      expect(s.support.operators.size).toBe(0);
      const history = await s.people.getWithHistory("crash@example.com");
      expect(history?.history.filter((entry) => entry.action === "offboarded")).toHaveLength(1);
    },
  );
});

describe("deletion after retention", () => {
  it("returns the numbers to the reserved pool, then deletes the user and records it", async () => {
    const s = memoryService();
    const user = await activePerson(s, "gone@example.com", { area_code: "212" });
    const number = user.phone_numbers[0];
    const { sweep, job } = await deleted(s, "gone@example.com");
    expect(sweep).toMatchObject({ due: 1, created: 1 });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.users.get(user.id)?.state).toBe("deleted");
    expect(s.dialpad.reserved).toContain(number);
    const unassigned = s.dialpad.calls.findIndex((call) => call.method === "unassignNumber");
    const removed = s.dialpad.calls.findIndex((call) => call.method === "deleteUser");
    expect(unassigned).toBeGreaterThan(-1);
    expect(removed).toBeGreaterThan(unassigned);
    expect(await s.people.get("gone@example.com")).toMatchObject({ state: "deleted" });
  });

  it("lets Dialpad release the numbers when configured not to keep them", async () => {
    const s = memoryService({ settings: { keepNumbersOnDelete: false } });
    await activePerson(s, "release@example.com", { area_code: "212" });
    const { job } = await deleted(s, "release@example.com");
    expect(stepStatuses(job).unassign_numbers).toBe("skipped");
    expect(s.dialpad.count("unassignNumber")).toBe(0);
  });

  it("a user already deleted in Dialpad finishes the job early: the later steps are recorded as not needed", async () => {
    const s = memoryService();
    const user = await activePerson(s, "early@example.com");
    await offboarded(s, { email: "early@example.com", retention_days: 0 });
    Object.assign(user, { state: "deleted", emails: [] }); // deleted by hand meanwhile
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job.status).toBe("succeeded");
    expect(job.steps.map((step) => [step.name, step.status])).toEqual([
      ["reread_user", "succeeded"],
      ["remove_from_call_centers", "skipped"],
      ["unassign_numbers", "skipped"],
      ["delete_user", "skipped"],
      ["record_deletion", "skipped"],
    ]);
    expect(s.dialpad.count("deleteUser")).toBe(0);
    expect(await s.people.get("early@example.com")).toMatchObject({ state: "deleted" });
  });

  it("a user reactivated by hand is not deleted: the job is cancelled with the reason", async () => {
    const s = memoryService();
    const user = await activePerson(s, "rescued@example.com");
    await offboarded(s, { email: "rescued@example.com", retention_days: 0 });
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    user.state = "active";
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job.status).toBe("cancelled");
    expect(job.cancel_reason).toContain("reactivated");
    expect(user.state).toBe("active");
  });

  const changes: DialpadMethod[] = ["unassignNumber", "deleteUser"];
  it.each(changes)("an answer lost after %s still ends deleted, once", async (method) => {
    const s = memoryService();
    const user = await activePerson(s, "crashdel@example.com", { area_code: "212" });
    s.dialpad.fail(method, { applied: true });
    const { job } = await deleted(s, "crashdel@example.com");
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.users.get(user.id)?.state).toBe("deleted");
    expect(s.dialpad.reserved).toHaveLength(1);
    const history = await s.people.getWithHistory("crashdel@example.com");
    expect(history?.history.filter((entry) => entry.action === "deleted")).toHaveLength(1);
  });
});
