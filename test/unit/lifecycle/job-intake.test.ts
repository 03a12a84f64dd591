/**
 * Taking jobs in (job-intake.ts) over the in-memory layer: write job and key, send, mark the send;
 * a repeat answers the same job and re-sends only a lost send; the sweeper's re-send of unsent jobs.
 */

import { describe, expect, it } from "vitest";
import { IdempotencyConflict } from "../../../shared/errors/domain-errors";
import { resendUnsentJobs } from "../../../shared/lifecycle/resend-unsent-jobs";
import { memoryService } from "../support/memory-service";

describe("job intake", () => {
  it("writes the job queued, sends it on its kind's lane and records the send", async () => {
    const s = memoryService();
    const { job, created } = await s.onboard({ email: "new@example.com" });
    expect(created).toBe(true);
    expect(job).toMatchObject({
      kind: "onboard",
      status: "queued",
      steps: [],
      progress: {},
      client: "test-client",
    });
    expect(s.queue.sent).toEqual([{ jobId: job.job_id, lane: "bulk" }]);
    expect((await s.jobs.get(job.job_id))?.enqueued_at).toBe(s.clock.now().toISOString());
  });

  it("offboards go on the urgent lane", async () => {
    const s = memoryService();
    await s.offboard({ email: "leaver@example.com" });
    expect(s.queue.sent.map((message) => message.lane)).toEqual(["urgent"]);
  });

  it("a repeat answers the same job and sends nothing", async () => {
    const s = memoryService();
    const first = await s.onboard({ email: "repeat@example.com" }, "k");
    const again = await s.onboard({ email: "repeat@example.com" }, "k");
    expect(again).toMatchObject({ created: false, job: { job_id: first.job.job_id } });
    expect(s.queue.sent).toHaveLength(1);
  });

  it("the same body without a key is the same request (its key is the body's hash)", async () => {
    const s = memoryService();
    const first = await s.onboard({ email: "hash@example.com" });
    const again = await s.onboard({ email: "hash@example.com" });
    expect(again.job.job_id).toBe(first.job.job_id);
  });

  it("another body under a used key is a conflict, and nothing is written or sent", async () => {
    const s = memoryService();
    await s.onboard({ email: "one@example.com" }, "same-key");
    await expect(s.onboard({ email: "two@example.com" }, "same-key")).rejects.toBeInstanceOf(
      IdempotencyConflict,
    );
    expect(s.jobs.all()).toHaveLength(1);
    expect(s.queue.sent).toHaveLength(1);
  });

  it("what acceptance records, failed once, is recorded by the repeat of the request", async () => {
    const s = memoryService();
    const noteOnboardJob = s.people.noteOnboardJob.bind(s.people);
    let failures = 1;
    s.people.noteOnboardJob = async (email, jobId) => {
      if (failures-- > 0) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      return noteOnboardJob(email, jobId);
    };
    await expect(s.onboard({ email: "noted@example.com" }, "k")).rejects.toThrow("socket hang up");
    const again = await s.onboard({ email: "noted@example.com" }, "k");
    expect(again.created).toBe(false);
    expect(await s.people.openOnboardJob("noted@example.com")).toBe(again.job.job_id);
    expect(s.queue.sent).toEqual([{ jobId: again.job.job_id, lane: "bulk" }]);
  });

  it("a send that failed is made by the repeat of the request, once", async () => {
    const s = memoryService();
    s.queue.failNextSends = 1;
    await expect(s.onboard({ email: "lost@example.com" }, "k")).rejects.toThrow(/SendMessage/);
    const [written] = s.jobs.all();
    expect(written).toMatchObject({ status: "queued" });
    expect(written?.enqueued_at).toBeUndefined();
    const again = await s.onboard({ email: "lost@example.com" }, "k");
    expect(again.created).toBe(false);
    expect(s.queue.sent).toEqual([{ jobId: written?.job_id, lane: "bulk" }]);
    await s.onboard({ email: "lost@example.com" }, "k");
    expect(s.queue.sent).toHaveLength(1);
  });

  it("the sweeper sends jobs left unsent past the grace period, once; younger ones wait", async () => {
    const s = memoryService();
    s.queue.failNextSends = 2;
    await expect(s.onboard({ email: "old@example.com" })).rejects.toThrow();
    s.clock.advance(5 * 60_000);
    await expect(s.onboard({ email: "young@example.com" })).rejects.toThrow();
    const deps = { kinds: s.kinds, jobs: s.jobs, queue: s.queue, clock: s.clock };
    expect(await resendUnsentJobs(deps)).toBe(1);
    expect(s.queue.sent.map((message) => message.jobId)).toEqual([s.jobs.all()[0]?.job_id]);
    expect(await resendUnsentJobs(deps)).toBe(0);
    s.clock.advance(5 * 60_000);
    expect(await resendUnsentJobs(deps)).toBe(1);
  });

  it("a job cancelled before it was ever sent leaves the unsent list without a send", async () => {
    const s = memoryService();
    s.queue.failNextSends = 1;
    await expect(s.onboard({ email: "gone@example.com" })).rejects.toThrow();
    const [job] = s.jobs.all();
    await s.jobs.cancelIfQueued(job?.job_id ?? "", s.clock.now().toISOString(), "superseded");
    s.clock.advance(5 * 60_000);
    expect(await resendUnsentJobs({ kinds: s.kinds, jobs: s.jobs, queue: s.queue, clock: s.clock })).toBe(0);
    expect(s.queue.sent).toEqual([]);
    expect((await s.jobs.get(job?.job_id ?? ""))?.enqueued_at).toBeDefined();
  });

  it("a new onboarding is remembered as the person's open onboarding; an offboard cancels it while queued", async () => {
    const s = memoryService();
    const onboarding = await s.onboard({ email: "short@example.com" });
    expect(await s.people.openOnboardJob("short@example.com")).toBe(onboarding.job.job_id);
    await s.offboard({ email: "short@example.com" });
    expect(await s.jobs.get(onboarding.job.job_id)).toMatchObject({ status: "cancelled" });
  });

  it("an offboard by user id of a known person is keyed by that person's email", async () => {
    const s = memoryService();
    await s.people.apply("known@example.com", {
      set: { state: "active", user_id: "77", updated_at: s.clock.now().toISOString() },
      history: { at: s.clock.now().toISOString(), action: "onboarded", source: "worker" },
      historyId: "seed",
    });
    const { job } = await s.offboard({ user_id: "77" });
    expect(job).toMatchObject({ email: "known@example.com", user_id: "77" });
  });
});
