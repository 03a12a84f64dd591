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
  extra: { area_code?: string; phone_number?: string; call_center_ids?: string[] } = {},
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
  it("parks the numbers in the user's office (never unassigned), then deletes the user and records where they went", async () => {
    const s = memoryService();
    const user = await activePerson(s, "gone@example.com", { area_code: "212" });
    const number = user.phone_numbers[0] ?? expect.fail("no number");
    const { sweep, job } = await deleted(s, "gone@example.com");
    expect(sweep).toMatchObject({ due: 1, created: 1 });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.users.get(user.id)?.state).toBe("deleted");
    // The fake company has no reserved pool: an unassign or the deletion would have released it.
    expect(s.dialpad.otherHolders.get(number)).toEqual({ target_type: "office", target_id: s.hq.id });
    expect(s.dialpad.released).toEqual([]);
    expect(s.dialpad.count("unassignNumber") + s.dialpad.count("unassignNumberFromHolder")).toBe(0);
    const parked = s.dialpad.calls.findIndex((call) => call.method === "assignNumberToTarget");
    const removed = s.dialpad.calls.findIndex((call) => call.method === "deleteUser");
    expect(parked).toBeGreaterThan(-1);
    expect(removed).toBeGreaterThan(parked);
    const record = await s.people.getWithHistory("gone@example.com");
    expect(record?.person).toMatchObject({ state: "deleted" });
    expect(record?.history.find((entry) => entry.action === "numbers_parked")).toMatchObject({
      source: "sweeper",
      job_id: job.job_id,
      detail: `${number} → office ${s.hq.id} (HQ)`,
    });
  });

  it.each([
    ["department", "department"],
    ["call_center", "callcenter"],
  ] as const)("NUMBER_PARKING_TARGET=%s:<id> parks the numbers there", async (to, targetType) => {
    const s0 = memoryService();
    const targetId = to === "department" ? s0.dialpad.addDepartment("Desk", s0.hq.id).id : s0.support.id;
    const s = { ...s0, settings: Object.assign(s0.settings, { numberParkingTarget: { to, id: targetId } }) };
    const user = await activePerson(s, "parked@example.com", { area_code: "212" });
    const number = user.phone_numbers[0] ?? expect.fail("no number");
    const { job } = await deleted(s, "parked@example.com");
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.otherHolders.get(number)).toEqual({ target_type: targetType, target_id: targetId });
    expect(s.dialpad.released).toEqual([]);
  });

  it("NUMBERS_ON_DELETE=release releases the numbers, by explicit configuration, and says so", async () => {
    const s = memoryService({ settings: { numbersOnDelete: "release" } });
    const user = await activePerson(s, "release@example.com", { area_code: "212" });
    const number = user.phone_numbers[0] ?? expect.fail("no number");
    const { job } = await deleted(s, "release@example.com");
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.count("assignNumberToTarget")).toBe(0);
    expect(s.dialpad.released).toEqual([number]);
    const history = (await s.people.getWithHistory("release@example.com"))?.history ?? [];
    expect(history.find((entry) => entry.action === "numbers_released")?.detail).toContain(
      `${number} → released`,
    );
  });

  it("a parking target Dialpad does not know fails handoff_target_not_found before anything changes", async () => {
    const s = memoryService({ settings: { numberParkingTarget: { to: "department", id: "404404" } } });
    const user = await activePerson(s, "nowhere@example.com", { area_code: "212" });
    const numbers = [...user.phone_numbers];
    await offboarded(s, { email: "nowhere@example.com", retention_days: 0 });
    s.support.operators.add(user.id); // a membership added by hand after the offboarding
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job).toMatchObject({ status: "failed", error: { code: "handoff_target_not_found" } });
    expect(user).toMatchObject({ state: "suspended", phone_numbers: numbers });
    expect(s.support.operators.has(user.id)).toBe(true);
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
      ["park_numbers", "skipped"],
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

  const changes: DialpadMethod[] = ["assignNumberToTarget", "deleteUser"];
  it.each(changes)("an answer lost after %s still ends deleted, once, its number parked", async (method) => {
    const s = memoryService();
    const user = await activePerson(s, "crashdel@example.com", { area_code: "212" });
    const number = user.phone_numbers[0] ?? expect.fail("no number");
    s.dialpad.fail(method, { applied: true });
    const { job } = await deleted(s, "crashdel@example.com");
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.users.get(user.id)?.state).toBe("deleted");
    expect(s.dialpad.otherHolders.get(number)).toMatchObject({ target_type: "office" });
    expect(s.dialpad.released).toEqual([]);
    const history = await s.people.getWithHistory("crashdel@example.com");
    expect(history?.history.filter((entry) => entry.action === "deleted")).toHaveLength(1);
  });

  it("a user reactivated while the job waits to resume keeps its number and memberships", async () => {
    const s = memoryService();
    const user = await activePerson(s, "back@example.com", { area_code: "212" });
    const numbers = [...user.phone_numbers];
    await offboarded(s, { email: "back@example.com", retention_days: 0 });
    s.support.operators.add(user.id);
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    // The first attempt reads the user, then fails at its first change and will be resumed there.
    s.dialpad.fail("removeOperator");
    await s.work(1);
    user.state = "active"; // reactivated by hand before the redelivery
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job.status, JSON.stringify(job.steps)).toBe("cancelled");
    expect(user).toMatchObject({ state: "active", phone_numbers: numbers });
    expect(s.support.operators.has(user.id)).toBe(true);
  });

  it.each([
    ["reactivated in Dialpad", "cancelled"],
    ["held", "cancelled"],
  ] as const)("a user %s between two numbers keeps the one not yet parked", async (what, status) => {
    const s = memoryService();
    const user = await activePerson(s, "two@example.com", { area_code: "212" });
    s.dialpad.available.splice(s.dialpad.available.indexOf("+16465550100"), 1);
    user.phone_numbers.push("+16465550100");
    await offboarded(s, { email: "two@example.com", retention_days: 0 });
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    const park = s.dialpad.assignNumberToTarget.bind(s.dialpad);
    s.dialpad.assignNumberToTarget = async (number, request) => {
      const answer = await park(number, request);
      if (what === "held")
        await s.people.apply("two@example.com", {
          set: { hold: { reason: "litigation", by: "legal", at: s.clock.now().toISOString() } },
          history: { at: s.clock.now().toISOString(), action: "held", source: "api" },
          historyId: "hold-1",
        });
      else user.state = "active";
      return answer;
    };
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job.status, JSON.stringify(job.steps)).toBe(status);
    expect(s.dialpad.count("assignNumberToTarget")).toBe(1);
    expect(user.phone_numbers).toHaveLength(1);
    expect(user.state).not.toBe("deleted");
    const [parked] = [...s.dialpad.otherHolders.keys()];
    const history = (await s.people.getWithHistory("two@example.com"))?.history ?? [];
    expect(history.find((entry) => entry.action === "numbers_parked")?.detail).toBe(
      `${parked} → office ${s.hq.id} (HQ)`,
    );
  });

  it("a number given to the user after the parking is parked too before the DELETE", async () => {
    const s = memoryService();
    const user = await activePerson(s, "late@example.com", { area_code: "212" });
    await offboarded(s, { email: "late@example.com", retention_days: 0 });
    s.clock.advance(1000);
    await runSweep({ ...s.submit, people: s.people, requireApproval: false });
    s.dialpad.fail("deleteUser"); // the first attempt stops at the DELETE...
    await s.work(1);
    s.dialpad.available.splice(s.dialpad.available.indexOf("+16465550100"), 1);
    user.phone_numbers.push("+16465550100"); // ...and someone assigns a number before it resumes
    await s.work();
    const job = s.jobs.all().find((candidate) => candidate.kind === "delete") as Job;
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(user.state).toBe("deleted");
    expect(s.dialpad.otherHolders.get("+16465550100")).toMatchObject({ target_type: "office" });
    expect(s.dialpad.released).toEqual([]);
  });

  it("a number Dialpad does not take off the user stops the deletion: the user is not deleted with it", async () => {
    const s = memoryService();
    const user = await activePerson(s, "stuck@example.com", { area_code: "212" });
    const numbers = [...user.phone_numbers];
    s.dialpad.assignNumberToTarget = async (number, request) => ({
      number,
      status: "assigned",
      ...request,
    }); // answers as if moved, moves nothing
    const { job } = await deleted(s, "stuck@example.com");
    expect(job).toMatchObject({ status: "failed", error: { code: "internal_error" } });
    expect(user).toMatchObject({ state: "suspended", phone_numbers: numbers });
    expect(s.dialpad.count("deleteUser")).toBe(0);
  });
});

describe("number handoff refusals", () => {
  it.each([
    ["the leaver itself", (leaver: string) => ({ to: "user", email: leaver }) as const],
    ["a suspended user", () => ({ to: "user", email: "away@example.com" }) as const],
  ])("handing off to %s fails handoff_target_not_found before any change", async (_, handoff) => {
    const s = memoryService();
    s.dialpad.addUser({ email: "away@example.com", office_id: s.hq.id, state: "suspended" });
    const leaver = await activePerson(s, "leaver@example.com", { area_code: "212" });
    const numbers = [...leaver.phone_numbers];
    const job = await offboarded(s, {
      email: "leaver@example.com",
      number_handoff: handoff("leaver@example.com"),
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "handoff_target_not_found" } });
    expect(leaver).toMatchObject({ state: "active", phone_numbers: numbers });
  });

  it("number_handoff release releases the numbers (the request says so) and records where they went", async () => {
    const s = memoryService();
    const leaver = await activePerson(s, "letgo@example.com", { area_code: "212" });
    const [number] = leaver.phone_numbers;
    const job = await offboarded(s, {
      email: "letgo@example.com",
      retention_days: 0,
      number_handoff: { to: "release" },
    });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.released).toEqual([number]);
    const history = (await s.people.getWithHistory("letgo@example.com"))?.history ?? [];
    expect(history.find((entry) => entry.action === "numbers_handed_off")?.detail).toContain(`${number} → `);
  });

  it("a target that vanishes mid-handoff fails handoff_target_not_found; no number is lost and the moved one is recorded", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const leaver = await activePerson(s, "halfway@example.com", { phone_number: "+12125550100" });
    s.dialpad.available.splice(s.dialpad.available.indexOf("+12125550101"), 1);
    leaver.phone_numbers.push("+12125550101");
    const handOff = s.dialpad.assignNumberToTarget.bind(s.dialpad);
    s.dialpad.assignNumberToTarget = async (number, request) => {
      const answer = await handOff(number, request);
      s.dialpad.departments.delete(desk.id); // removed by an admin after the first number
      return answer;
    };
    const job = await offboarded(s, {
      email: "halfway@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "handoff_target_not_found" } });
    expect(s.dialpad.otherHolders.get("+12125550100")).toEqual({
      target_type: "department",
      target_id: desk.id,
    });
    expect(leaver.phone_numbers).toEqual(["+12125550101"]);
    expect(s.dialpad.released).toEqual([]);
    const history = (await s.people.getWithHistory("halfway@example.com"))?.history ?? [];
    expect(history.find((entry) => entry.action === "numbers_handed_off")?.detail).toBe(
      `+12125550100 → department ${desk.id} (Desk)`,
    );
  });
});
