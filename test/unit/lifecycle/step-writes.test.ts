/**
 * When the step machine stores its records (steps.ts): every Dialpad change finds its step stored as
 * "started" and every earlier step's outcome stored; reads wait for no write; the last outcomes are
 * stored with the job's end. A write that fails loses no output, and a crash after the last change
 * redoes only steps that change nothing in Dialpad.
 */
import { describe, expect, it } from "vitest";
import type { DialpadApi } from "../../../shared/dialpad/api";
import type { Job } from "../../../shared/lifecycle/model";
import { type MemoryService, memoryService } from "../support/memory-service";

const READS = new Set([
  "findUsersByEmail",
  "getUser",
  "listUsers",
  "listUsersPage",
  "listOffices",
  "getOffice",
  "getAvailableLicenses",
  "listCallCenters",
  "getCallCenter",
  "listDepartments",
  "getDepartment",
  "listOperators",
]);

/**
 * Watches a service: what the stored job looked like at each Dialpad change of the job `jobId()`,
 * and how many step writes (recordSteps) and ends (finish) the store took.
 */
function watch(s: MemoryService, jobId: () => string) {
  const atChanges: { method: string; steps: Job["steps"] }[] = [];
  const writes = { recordSteps: 0, finish: 0 };
  const dialpad = new Proxy(s.dialpad as DialpadApi, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (READS.has(String(property))) return value.bind(target);
      return async (...args: unknown[]) => {
        const stored = await s.jobs.get(jobId());
        atChanges.push({ method: String(property), steps: stored?.steps ?? [] });
        return value.apply(target, args);
      };
    },
  });
  s.lifecycle.dialpad = { urgent: dialpad, bulk: dialpad };
  const recordSteps = s.jobs.recordSteps.bind(s.jobs);
  s.jobs.recordSteps = (...args) => {
    writes.recordSteps += 1;
    return recordSteps(...args);
  };
  const finish = s.jobs.finish.bind(s.jobs);
  s.jobs.finish = (...args) => {
    writes.finish += 1;
    return finish(...args);
  };
  return { atChanges, writes };
}

/** At a change: the last stored step is "started" and every step before it finished. */
function startedBeforeChange(steps: Job["steps"]): boolean {
  const last = steps.at(-1);
  return (
    last?.status === "started" &&
    steps.slice(0, -1).every((step) => step.status === "succeeded" || step.status === "skipped")
  );
}

describe("when step records are stored", () => {
  it("a plain onboarding: one step write, before the create; the rest with the job's end", async () => {
    const s = memoryService();
    let id = "";
    const { atChanges, writes } = watch(s, () => id);
    id = (await s.onboard({ email: "plain@example.com" })).job.job_id;
    await s.work();
    const job = await s.jobs.get(id);
    expect(job?.status).toBe("succeeded");
    expect(writes).toEqual({ recordSteps: 1, finish: 1 });
    expect(atChanges.map((change) => change.method)).toEqual(["createUser"]);
    expect(atChanges.every((change) => startedBeforeChange(change.steps))).toBe(true);
    // The outputs of the steps before it went with that write.
    expect(atChanges[0]?.steps.map((step) => step.name)).toEqual([
      "resolve_office",
      "find_existing_user",
      "check_seats",
      "create_user",
    ]);
    expect(job?.steps.map((step) => step.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
      "skipped",
      "skipped",
      "skipped",
      "succeeded",
    ]);
    expect(job?.progress).toMatchObject({ office_id: s.hq.id, outcome: "created", seat_line: "talk_lines" });
    expect(job?.user_id).toBe((job?.progress as { user_id?: string } | undefined)?.user_id);
  });

  it("every Dialpad change of an onboarding with number, extension and call center finds its step started", async () => {
    const s = memoryService();
    let id = "";
    const { atChanges } = watch(s, () => id);
    id = (
      await s.onboard({
        email: "full@example.com",
        area_code: "212",
        extension: "1234",
        call_center_ids: [s.support.id],
      })
    ).job.job_id;
    await s.work();
    expect((await s.jobs.get(id))?.status).toBe("succeeded");
    expect(atChanges.length).toBeGreaterThanOrEqual(4);
    for (const change of atChanges) expect(startedBeforeChange(change.steps), change.method).toBe(true);
  });

  it("every Dialpad change of an offboard with a number handoff finds its step started", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "leaver@example.com", office_id: s.hq.id, phone_numbers: ["+12125550101"] });
    s.dialpad.addUser({ email: "manager@example.com", office_id: s.hq.id });
    let id = "";
    const { atChanges } = watch(s, () => id);
    id = (
      await s.offboard({
        email: "leaver@example.com",
        number_handoff: { to: "user", email: "manager@example.com" },
      })
    ).job.job_id;
    await s.work();
    expect((await s.jobs.get(id))?.status).toBe("succeeded");
    expect(atChanges.map((change) => change.method)).toContain("updateUser");
    for (const change of atChanges) expect(startedBeforeChange(change.steps), change.method).toBe(true);
  });

  it("a step write that fails loses no output: the retry record carries it, and the job ends with one user", async () => {
    const s = memoryService();
    const recordSteps = s.jobs.recordSteps.bind(s.jobs);
    let failures = 1;
    s.jobs.recordSteps = (...args) => {
      if (failures-- > 0) return Promise.reject(new Error("DynamoDB answered 500 (scripted)"));
      return recordSteps(...args);
    };
    const { job } = await s.onboard({ email: "lost-write@example.com" });
    await s.work(1);
    const stored = await s.jobs.get(job.job_id);
    expect(stored?.status).toBe("running");
    expect(stored?.progress).toMatchObject({ office_id: s.hq.id, seat_line: "talk_lines" });
    expect(stored?.steps.at(-1)).toMatchObject({ name: "create_user", status: "started" });
    expect(s.dialpad.count("createUser")).toBe(0);
    await s.work();
    expect((await s.jobs.get(job.job_id))?.status).toBe("succeeded");
    expect(s.dialpad.byEmail("lost-write@example.com")).toHaveLength(1);
  });

  it("an end that fails after the last change redoes only what changes nothing, and creates no second user", async () => {
    const s = memoryService();
    const finish = s.jobs.finish.bind(s.jobs);
    let failures = 1;
    s.jobs.finish = (...args) => {
      if (failures-- > 0) return Promise.reject(new Error("DynamoDB timed out (scripted)"));
      return finish(...args);
    };
    const { job } = await s.onboard({ email: "lost-end@example.com", area_code: "212" });
    await s.work();
    const stored = await s.jobs.get(job.job_id);
    expect(stored?.status).toBe("succeeded");
    expect(s.dialpad.count("createUser")).toBe(1);
    expect(s.dialpad.count("assignNumber")).toBe(1);
    expect(s.dialpad.byEmail("lost-end@example.com")).toHaveLength(1);
    const history = await s.people.getWithHistory("lost-end@example.com");
    expect(history?.history.map((entry) => entry.action)).toEqual(["onboarded"]);
  });
});

describe("the announcement of a job this run ended", () => {
  it("is given the job as the end stored it, so nothing is read again", async () => {
    const s = memoryService();
    const announced: { jobId: string; ended?: Job }[] = [];
    s.lifecycle.announceFinished = async (jobId, ended) =>
      void announced.push({ jobId, ...(ended ? { ended } : {}) });
    const { job } = await s.onboard({ email: "announced@example.com" });
    await s.work();
    expect(announced).toEqual([{ jobId: job.job_id, ended: await s.jobs.get(job.job_id) }]);
    expect(announced[0]?.ended?.status).toBe("succeeded");
  });

  it("of a job that ended before this delivery is left to read it", async () => {
    const s = memoryService();
    const announced: { jobId: string; ended?: Job }[] = [];
    s.lifecycle.announceFinished = async (jobId, ended) =>
      void announced.push({ jobId, ...(ended ? { ended } : {}) });
    const { job } = await s.onboard({ email: "cancelled@example.com" });
    await s.cancel(job.job_id, s.client);
    await s.work();
    expect(announced).toEqual([{ jobId: job.job_id }]);
  });
});
