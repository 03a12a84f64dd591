/**
 * The mass-change guard (lifecycle invariant 7) over in-memory ports: the offboard past a client's
 * limit within 15 minutes is accepted `held` and nothing reaches the queue or Dialpad; replays
 * count nothing; the window slides; release by another approve client runs the job, by the
 * submitter never; cancel of held and queued jobs; release and cancel race on conditional writes.
 */
import { describe, expect, it } from "vitest";
import { NotPermitted, StateConflict } from "../../../shared/errors/domain-errors";
import { MASS_CHANGE_WINDOW_MS, massOffboardLimitOf } from "../../../shared/lifecycle/mass-change-guard";
import type { Job } from "../../../shared/lifecycle/model";
import { resendUnsentJobs } from "../../../shared/lifecycle/resend-unsent-jobs";
import { type MemoryService, memoryService } from "../support/memory-service";

/** A service whose client may offboard `limit` people per 15 minutes, with `people` active users. */
async function guarded(limit: number, people: number) {
  const s = memoryService({ massOffboardLimit: limit });
  const emails = Array.from({ length: people }, (_, i) => `leaver${i + 1}@example.com`);
  for (const email of emails) s.dialpad.addUser({ email, office_id: s.hq.id });
  return { s, emails };
}

const userOf = (s: MemoryService, email: string) => s.dialpad.byEmail(email)[0];
const statusOf = async (s: MemoryService, jobId: string) => (await s.jobs.get(jobId))?.status;

describe("the mass-change guard", () => {
  it("holds the offboard past the limit within 15 minutes: written, never queued, nothing changed in Dialpad", async () => {
    const { s, emails } = await guarded(2, 3);
    const jobs: Job[] = [];
    for (const email of emails) jobs.push((await s.offboard({ email })).job);
    expect(jobs.map((job) => job.status)).toEqual(["queued", "queued", "held"]);
    const held = jobs[2] as Job;
    expect(held.held_reason).toMatch(/mass-change guard.*more than 2 offboards within 15 minutes/);
    expect(s.queue.sent.map((message) => message.jobId)).toEqual([jobs[0]?.job_id, jobs[1]?.job_id]);
    expect(s.heldJobs.map((job) => job.job_id)).toEqual([held.job_id]);

    await s.work();
    expect(userOf(s, emails[0] as string)?.state).toBe("suspended");
    expect(userOf(s, emails[2] as string)?.state).toBe("active");
    expect(await statusOf(s, held.job_id)).toBe("held");
    const listed = await s.jobs.list({ status: "held" }, { limit: 10 });
    expect(listed.items.map((job) => job.job_id)).toEqual([held.job_id]);
  });

  it("the sweeper's re-send of unsent jobs never sends a held job", async () => {
    const { s, emails } = await guarded(1, 2);
    await s.offboard({ email: emails[0] as string });
    const { job } = await s.offboard({ email: emails[1] as string });
    s.clock.advance(60 * 60_000);
    expect(await resendUnsentJobs(s.submit)).toBe(0);
    expect(s.queue.sent.map((message) => message.jobId)).not.toContain(job.job_id);
    expect(await s.jobs.get(job.job_id)).toMatchObject({ status: "held" });
  });

  it("a stray message of a held job runs nothing and announces nothing", async () => {
    const { s, emails } = await guarded(1, 2);
    await s.offboard({ email: emails[0] as string });
    await s.work();
    const { job } = await s.offboard({ email: emails[1] as string });
    const announced: string[] = [];
    s.lifecycle.announceFinished = async (jobId) => void announced.push(jobId);
    s.queue.sent.push({ jobId: job.job_id, lane: "urgent" });
    await s.work();
    expect(announced).toEqual([]);
    expect(await statusOf(s, job.job_id)).toBe("held");
    expect(userOf(s, emails[1] as string)?.state).toBe("active");
  });

  it("a replay answers the same job and counts nothing", async () => {
    const { s, emails } = await guarded(2, 3);
    const first = await s.offboard({ email: emails[0] as string }, "ticket-1");
    const replay = await s.offboard({ email: emails[0] as string }, "ticket-1");
    expect(replay).toMatchObject({ created: false, job: { job_id: first.job.job_id } });
    expect((await s.offboard({ email: emails[1] as string })).job.status).toBe("queued");
    expect((await s.offboard({ email: emails[2] as string })).job.status).toBe("held");
  });

  it("a replay after the window, when its count has left it, still counts nothing", async () => {
    const { s, emails } = await guarded(1, 2);
    const first = await s.offboard({ email: emails[0] as string }, "ticket-1");
    s.clock.advance(MASS_CHANGE_WINDOW_MS + 1);
    expect((await s.offboard({ email: emails[0] as string }, "ticket-1")).job.job_id).toBe(first.job.job_id);
    expect((await s.offboard({ email: emails[1] as string })).job.status).toBe("queued");
  });

  it("counts from zero once 15 minutes have passed since the offboards it counted", async () => {
    const { s, emails } = await guarded(2, 5);
    await s.offboard({ email: emails[0] as string });
    s.clock.advance(10 * 60_000);
    await s.offboard({ email: emails[1] as string });
    s.clock.advance(5 * 60_000);
    // The first left the window, the second is still in it: one more fits.
    expect((await s.offboard({ email: emails[2] as string })).job.status).toBe("queued");
    expect((await s.offboard({ email: emails[3] as string })).job.status).toBe("held");
    s.clock.advance(MASS_CHANGE_WINDOW_MS + 1);
    expect((await s.offboard({ email: emails[4] as string })).job.status).toBe("queued");
  });

  it("held offboards count too: a client that keeps going stays held", async () => {
    const { s, emails } = await guarded(1, 3);
    await s.offboard({ email: emails[0] as string });
    s.clock.advance(10 * 60_000);
    expect((await s.offboard({ email: emails[1] as string })).job.status).toBe("held");
    s.clock.advance(10 * 60_000);
    expect((await s.offboard({ email: emails[2] as string })).job.status).toBe("held");
  });

  it("guards nobody without a limit; 0 is off; the scim default applies to scim clients only", async () => {
    const s = memoryService();
    for (let i = 0; i < 12; i++)
      expect((await s.offboard({ email: `x${i}@example.com` })).job.status).toBe("queued");
    expect(massOffboardLimitOf({ client: "c", scopes: ["offboard"] }, 10)).toBe(0);
    expect(massOffboardLimitOf({ client: "c", scopes: ["scim"] }, 10)).toBe(10);
    expect(massOffboardLimitOf({ client: "c", scopes: ["scim"], massOffboardLimit: 0 }, 10)).toBe(0);
    expect(massOffboardLimitOf({ client: "c", scopes: ["offboard"], massOffboardLimit: 3 }, 10)).toBe(3);
  });

  it("an offboard held does not cancel the person's queued onboarding; its release does", async () => {
    const { s, emails } = await guarded(1, 1);
    await s.offboard({ email: emails[0] as string });
    const onboarding = await s.onboard({ email: "starter@example.com" });
    const held = await s.offboard({ email: "starter@example.com" });
    expect(held.job.status).toBe("held");
    expect(await statusOf(s, onboarding.job.job_id)).toBe("queued");
    await s.release(held.job.job_id);
    expect(await s.jobs.get(onboarding.job.job_id)).toMatchObject({
      status: "cancelled",
      cancel_reason: expect.stringContaining(held.job.job_id),
    });
  });
});

describe("releasing and cancelling a job", () => {
  /** A held offboard of a person we keep a record of (so the decision shows in the history). */
  async function heldJob() {
    const { s, emails } = await guarded(1, 2);
    const at = s.clock.now().toISOString();
    await s.people.apply(emails[1] as string, {
      set: { state: "active", user_id: userOf(s, emails[1] as string)?.id, updated_at: at },
      history: { at, action: "imported", source: "api" },
      historyId: "seed",
    });
    await s.offboard({ email: emails[0] as string });
    await s.work();
    const { job } = await s.offboard({ email: emails[1] as string });
    expect(job.status).toBe("held");
    return { s, job, email: emails[1] as string };
  }

  it("release by another approve client queues the job on its lane; it runs and is recorded", async () => {
    const { s, job, email } = await heldJob();
    const released = await s.release(job.job_id, "approver");
    expect(released).toMatchObject({
      status: "queued",
      released_by: "approver",
      held_reason: job.held_reason,
    });
    expect(s.queue.sent).toEqual([{ jobId: job.job_id, lane: "urgent" }]);
    await s.work();
    expect(await statusOf(s, job.job_id)).toBe("succeeded");
    expect(userOf(s, email)?.state).toBe("suspended");
    const history = (await s.people.getWithHistory(email))?.history ?? [];
    expect(history.map((entry) => [entry.action, entry.client])).toContainEqual(["job_released", "approver"]);
  });

  it("release by the client that submitted the job is refused (self_approval); nothing changes", async () => {
    const { s, job } = await heldJob();
    const refused = s.release(job.job_id, s.client);
    await expect(refused).rejects.toBeInstanceOf(NotPermitted);
    await expect(refused).rejects.toMatchObject({ code: "self_approval" });
    expect(await statusOf(s, job.job_id)).toBe("held");
    expect(s.queue.sent).toEqual([]);
  });

  it("release of a job that is not held is a conflict (not_held), and a second release too", async () => {
    const { s, job } = await heldJob();
    await s.release(job.job_id);
    await expect(s.release(job.job_id)).rejects.toMatchObject({ code: "not_held" });
    await expect(s.release(job.job_id)).rejects.toBeInstanceOf(StateConflict);
    expect(s.queue.sent).toHaveLength(1);
    await expect(s.release("no-such-job")).rejects.toMatchObject({ code: "job_not_found" });
  });

  it("a released job left unsent by a crash is sent by the sweeper once the grace has passed", async () => {
    const { s, job } = await heldJob();
    s.queue.failNextSends = 1;
    await expect(s.release(job.job_id)).rejects.toThrow(/SendMessage/);
    const resend = () => resendUnsentJobs(s.submit);
    expect(await resend()).toBe(0);
    s.clock.advance(2 * 60_000);
    expect(await resend()).toBe(1);
    expect(s.queue.sent).toEqual([{ jobId: job.job_id, lane: "urgent" }]);
  });

  it("cancel of a held job: cancelled, nothing in Dialpad, recorded; its message only announces the end", async () => {
    const { s, job, email } = await heldJob();
    const cancelled = await s.cancel(job.job_id, s.client);
    expect(cancelled).toMatchObject({
      status: "cancelled",
      cancel_reason: expect.stringContaining(s.client),
    });
    await s.work();
    expect(await statusOf(s, job.job_id)).toBe("cancelled");
    expect(userOf(s, email)?.state).toBe("active");
    await expect(s.release(job.job_id)).rejects.toMatchObject({ code: "not_held" });
  });

  it("cancel of a queued job: its message later finds it cancelled and changes nothing", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "q@example.com", office_id: s.hq.id });
    const { job } = await s.offboard({ email: "q@example.com" });
    await s.cancel(job.job_id);
    await s.work();
    expect(await statusOf(s, job.job_id)).toBe("cancelled");
    expect(userOf(s, "q@example.com")?.state).toBe("active");
  });

  it("a started or finished job cannot be cancelled (not_cancellable)", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "done@example.com", office_id: s.hq.id });
    const { job } = await s.offboard({ email: "done@example.com" });
    await s.work();
    await expect(s.cancel(job.job_id)).rejects.toMatchObject({ code: "not_cancellable" });
    expect(await statusOf(s, job.job_id)).toBe("succeeded");
  });

  it.each([
    ["cancel first", ["cancel", "release"]],
    ["release first", ["release", "cancel"]],
  ] as const)("release and cancel racing (%s): a cancel that succeeded always stands", async (_, order) => {
    const { s, job, email } = await heldJob();
    const outcomes = await Promise.allSettled(order.map((decision) => s[decision](job.job_id)));
    const [first, second] = outcomes;
    expect(first?.status).toBe("fulfilled");
    // A cancelled job cannot be released; a released (queued) job may still be cancelled.
    expect(second?.status).toBe(order[0] === "cancel" ? "rejected" : "fulfilled");
    await s.work();
    expect(await statusOf(s, job.job_id)).toBe("cancelled");
    expect(userOf(s, email)?.state).toBe("active");
  });

  it("a cancel loses to a worker that started the job, and the job runs on", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "race@example.com", office_id: s.hq.id });
    const { job } = await s.offboard({ email: "race@example.com" });
    const run = {
      runId: "run-x",
      at: s.clock.now().toISOString(),
      nowMs: s.clock.now().getTime(),
      ttlMs: 60_000,
    };
    expect((await s.jobs.startRun(job.job_id, run)).outcome).toBe("started");
    await expect(s.cancel(job.job_id)).rejects.toMatchObject({ code: "not_cancellable" });
    expect(await statusOf(s, job.job_id)).toBe("running");
  });
});
