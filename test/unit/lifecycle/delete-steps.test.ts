/**
 * The delete job, step by step, over in-memory ports: what each step answers and records on the
 * person, the Dialpad user gone before or during the job (404), the refusals of our record and of
 * the settings, a user reactivated by hand, the parking target's own refusals, and a job stored
 * before number parking existed.
 */
import { describe, expect, it } from "vitest";
import { DialpadError } from "../../../shared/dialpad/errors";
import type { Job } from "../../../shared/lifecycle/model";
import { runSweep } from "../../../shared/retention/run-sweep";
import { submitDeleteJob } from "../../../shared/retention/submit-delete-job";
import { type MemoryService, memoryService } from "../support/memory-service";

type Settings = Parameters<typeof memoryService>[0];

/** An onboarded person offboarded with retention 0, whose delete job the sweeper has queued (not run). */
async function dueForDeletion(
  email: string,
  extra: { area_code?: string } = {},
  options: Settings = {},
  setup: (s: MemoryService) => void = () => {},
) {
  const s = memoryService(options);
  setup(s);
  const { job: onboard } = await s.onboard({ email, ...extra });
  await s.work();
  const userId = (await s.jobs.get(onboard.job_id))?.user_id ?? expect.fail("not onboarded");
  const user = s.dialpad.users.get(userId) ?? expect.fail("no user");
  await s.offboard({ email, retention_days: 0 });
  await s.work();
  s.clock.advance(1000);
  await runSweep({ ...s.submit, people: s.people, requireApproval: false });
  const deleteJob = s.jobs.all().find((job) => job.kind === "delete") ?? expect.fail("no delete job");
  return { s, user, jobId: deleteJob.job_id };
}

const steps = (job: Job | undefined) => job?.steps.map(({ name, status, detail }) => [name, status, detail]);

async function history(s: MemoryService, email: string, action: string) {
  return ((await s.people.getWithHistory(email))?.history ?? []).filter((entry) => entry.action === action);
}

describe("a delete job's steps", () => {
  it("answer what each did, and the record says deleted with no deadline left", async () => {
    const { s, user, jobId } = await dueForDeletion("done@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    const [number] = user.phone_numbers;
    await s.work();
    const job = await s.jobs.get(jobId);
    const office = `office ${s.hq.id} (HQ)`;
    expect(steps(job)).toEqual([
      ["reread_user", "succeeded", `still suspended; its numbers go to ${office}`],
      ["remove_from_call_centers", "succeeded", `removed from ${s.support.id}`],
      ["park_numbers", "succeeded", `${number} → ${office}`],
      ["delete_user", "succeeded", `deleted user ${user.id}`],
      ["record_deletion", "succeeded", "lifecycle record deleted"],
    ]);
    expect(job?.progress).toMatchObject({ parking: { to: "office", label: office } });
    const person = await s.people.get("done@example.com");
    expect(person).toMatchObject({ state: "deleted", deleted_at: s.clock.now().toISOString() });
    expect(person?.delete_after).toBeUndefined();
    expect(await history(s, "done@example.com", "deleted")).toEqual([
      expect.objectContaining({ source: "sweeper", job_id: jobId, client: "sweeper" }),
    ]);
  });

  it("skip the call centers and numbers of a user with none (Dialpad leaves an empty list out) and record no number moved", async () => {
    const { s, user, jobId } = await dueForDeletion("bare@example.com");
    const read = s.dialpad.getUser.bind(s.dialpad);
    s.dialpad.getUser = async (id) => {
      const { phone_numbers, ...rest } = await read(id);
      return phone_numbers && phone_numbers.length > 0 ? { ...rest, phone_numbers } : rest;
    };
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job?.status).toBe("succeeded");
    expect(steps(job)?.slice(1, 3)).toEqual([
      ["remove_from_call_centers", "skipped", "in no call center"],
      ["park_numbers", "skipped", "no numbers"],
    ]);
    expect(user.state).toBe("deleted");
    expect(await history(s, "bare@example.com", "numbers_parked")).toEqual([]);
  });
});

describe("the Dialpad user gone (404)", () => {
  it("before the job: nothing is called but the look, and the record says deleted", async () => {
    const { s, user, jobId } = await dueForDeletion("vanished@example.com", { area_code: "212" });
    s.dialpad.users.delete(user.id);
    await s.work();
    expect((await s.jobs.get(jobId))?.status).toBe("succeeded");
    expect(s.dialpad.count("deleteUser") + s.dialpad.count("assignNumberToTarget")).toBe(0);
    const person = await s.people.get("vanished@example.com");
    expect(person).toMatchObject({ state: "deleted" });
    expect(person?.delete_after).toBeUndefined();
    expect((await history(s, "vanished@example.com", "deleted"))[0]?.detail).toBe(
      "already deleted in Dialpad",
    );
  });

  it("after its first change: no DELETE is sent, the job ends and the record says deleted", async () => {
    const { s, user, jobId } = await dueForDeletion("midway@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    const remove = s.dialpad.removeOperator.bind(s.dialpad);
    s.dialpad.removeOperator = async (callCenterId, userId) => {
      const answer = await remove(callCenterId, userId);
      s.dialpad.users.delete(user.id); // deleted by hand meanwhile
      return answer;
    };
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job?.status, JSON.stringify(job?.steps)).toBe("succeeded");
    expect(s.dialpad.count("deleteUser") + s.dialpad.count("assignNumberToTarget")).toBe(0);
    expect(await s.people.get("midway@example.com")).toMatchObject({ state: "deleted" });
  });

  it("answering the DELETE itself is the goal reached: the job succeeds", async () => {
    const { s, user, jobId } = await dueForDeletion("raced@example.com");
    s.dialpad.fail("deleteUser", { error: new DialpadError("not_found", "No such user.", { status: 404 }) });
    await s.work();
    expect((await s.jobs.get(jobId))?.status).toBe("succeeded");
    expect(s.dialpad.count("deleteUser")).toBe(1);
    expect(user.state).toBe("suspended"); // the fake's user did not go; Dialpad said it had
    expect(await s.people.get("raced@example.com")).toMatchObject({ state: "deleted" });
  });
});

describe("a look that fails", () => {
  it("a read failing (503) is retried, not taken for a user already deleted: the numbers are parked, the user deleted", async () => {
    const { s, user, jobId } = await dueForDeletion("blip@example.com", { area_code: "212" });
    const [number] = user.phone_numbers;
    s.dialpad.fail("getUser");
    await s.work();
    expect((await s.jobs.get(jobId))?.status).toBe("succeeded");
    expect(s.dialpad.count("deleteUser")).toBe(1);
    expect(s.dialpad.otherHolders.get(number ?? "")).toMatchObject({ target_type: "office" });
  });
});

describe("a deletion stopped", () => {
  it("by DELETION_REQUIRE_APPROVAL without an approval, even when a sweep queued it: the stop is recorded", async () => {
    const { s, user, jobId } = await dueForDeletion(
      "unapproved@example.com",
      { area_code: "212" },
      { settings: { requireDeletionApproval: true } },
    );
    const numbers = [...user.phone_numbers];
    s.clock.advance(5000);
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job).toMatchObject({ status: "cancelled" });
    expect(job?.cancel_reason).toContain("approval");
    expect(user).toMatchObject({ state: "suspended", phone_numbers: numbers });
    const person = await s.people.get("unapproved@example.com");
    expect(person).toMatchObject({ state: "suspended", updated_at: s.clock.now().toISOString() });
    expect(await history(s, "unapproved@example.com", "deletion_stopped")).toEqual([
      expect.objectContaining({ source: "sweeper", job_id: jobId, detail: job?.cancel_reason }),
    ]);
  });

  it("for a person we hold no record of: nothing changes and no record is made", async () => {
    const s = memoryService();
    const user = s.dialpad.addUser({ email: "stranger@example.com", office_id: s.hq.id, state: "suspended" });
    const { job } = await submitDeleteJob({ email: "stranger@example.com", user_id: user.id }, s.submit);
    await s.work();
    expect(await s.jobs.get(job.job_id)).toMatchObject({ status: "cancelled" });
    expect(user.state).toBe("suspended");
    expect(await s.people.getWithHistory("stranger@example.com")).toBeUndefined();
  });

  it("for a Dialpad admin reactivated by hand: cancelled as reactivated (not refused), the record active again", async () => {
    const { s, user, jobId } = await dueForDeletion("boss@example.com", { area_code: "212" });
    Object.assign(user, { state: "active", is_super_admin: true }); // made admin and reactivated by hand
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job?.status, JSON.stringify(job)).toBe("cancelled");
    expect(job?.cancel_reason).toContain("reactivated");
    const person = await s.people.get("boss@example.com");
    expect(person).toMatchObject({ state: "active", updated_at: s.clock.now().toISOString() });
    expect(person?.delete_after).toBeUndefined();
    expect(person?.suspended_at).toBeUndefined();
    expect(await history(s, "boss@example.com", "deletion_cancelled")).toEqual([
      expect.objectContaining({ source: "sweeper", job_id: jobId, detail: job?.cancel_reason }),
    ]);
  });

  it("for a user in a state Dialpad does not name: cancelled, and the reason says so", async () => {
    const { s, user, jobId } = await dueForDeletion("odd@example.com");
    Reflect.deleteProperty(user, "state");
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job?.status).toBe("cancelled");
    expect(job?.cancel_reason).toContain("in an unknown state");
  });
});

describe("where the numbers are parked", () => {
  it("in the user's office, when it has none: fails before any change, and says why", async () => {
    const { s, user, jobId } = await dueForDeletion("homeless@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    const numbers = [...user.phone_numbers];
    Reflect.deleteProperty(user, "office_id");
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job).toMatchObject({ status: "failed", error: { code: "handoff_target_not_found" } });
    expect(job?.error?.message).toContain("has no office");
    expect(user).toMatchObject({ state: "suspended", phone_numbers: numbers });
    expect(s.support.operators.has(user.id)).toBe(true);
  });

  it("in a department, for a user with no office: parked there and deleted", async () => {
    let deskId = "";
    const { s, user, jobId } = await dueForDeletion(
      "deskbound@example.com",
      { area_code: "212" },
      {},
      (s) => {
        deskId = s.dialpad.addDepartment("Desk", s.hq.id).id;
        Object.assign(s.settings, { numberParkingTarget: { to: "department", id: deskId } });
      },
    );
    const [number] = user.phone_numbers;
    Reflect.deleteProperty(user, "office_id");
    await s.work();
    expect((await s.jobs.get(jobId))?.status).toBe("succeeded");
    expect(s.dialpad.otherHolders.get(number ?? "")).toEqual({
      target_type: "department",
      target_id: deskId,
    });
  });

  it("a job stored before parking existed, its user gone by the time it resumes, skips the parking", async () => {
    const { s, user, jobId } = await dueForDeletion("legacy@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    s.dialpad.fail("removeOperator"); // the first attempt stops after reread_user...
    await s.work(1);
    // ...as one stored by a version without number parking would be: no target in its progress.
    const stored = (s.jobs as unknown as { jobs: Map<string, { job: Job }> }).jobs.get(jobId);
    if (!stored) expect.fail("no stored job");
    stored.job.progress = {};
    s.dialpad.users.delete(user.id);
    await s.work();
    const job = await s.jobs.get(jobId);
    expect(job?.status, JSON.stringify(job?.steps)).toBe("succeeded");
    expect(steps(job)?.[2]).toEqual(["park_numbers", "skipped", "already deleted in Dialpad"]);
    expect(s.dialpad.count("deleteUser")).toBe(0);
  });
});
