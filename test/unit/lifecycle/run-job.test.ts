/**
 * runJob and the worker's handling of its result over in-memory ports: one job per person (the
 * lease), one run per job (the run token fencing every write), permanent against transient
 * failures, the last receive, and the Lambda deadline (stop between steps, hand the record back).
 */

import { describe, expect, it } from "vitest";
import { processJobMessage } from "../../../functions/worker/process-job-message";
import type { DialpadApi } from "../../../shared/dialpad/api";
import { DialpadError } from "../../../shared/dialpad/errors";
import { RunSuperseded } from "../../../shared/errors/domain-errors";
import type { Job } from "../../../shared/lifecycle/model";
import { runJob } from "../../../shared/lifecycle/run-job";
import { memoryService } from "../support/memory-service";

const firstDelivery = { receiveCount: 1, maxReceives: 5 };

/** A Dialpad whose calls of `method` wait until `release()` is called. */
function gated(api: DialpadApi, method: keyof DialpadApi) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reached: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const wrapped = new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        reached();
        await gate;
        return value.apply(target, args);
      };
    },
  });
  return { wrapped, release: () => open(), waiting };
}

describe("one job per person", () => {
  it("a second job of the same person waits (busy) while the first holds the lease", async () => {
    const s = memoryService();
    const first = await s.onboard({ email: "lease@example.com" });
    const second = await s.offboard({ email: "lease@example.com" }, "other");
    await s.people.acquireLease("lease@example.com", first.job.job_id, s.clock.now().getTime(), 60_000);
    expect(await runJob(second.job.job_id, firstDelivery, s.lifecycle)).toBe("busy");
    expect(await s.jobs.get(second.job.job_id)).toMatchObject({ status: "queued", steps: [] });
  });

  it("an expired lease of another job is taken over", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "stale@example.com", office_id: s.hq.id });
    const job = await s.offboard({ email: "stale@example.com" });
    await s.people.acquireLease("stale@example.com", "crashed-job", s.clock.now().getTime(), 1000);
    s.clock.advance(2000);
    expect(await runJob(job.job.job_id, firstDelivery, s.lifecycle)).toBe("finished");
  });

  it("the worker re-queues a busy job with a short delay instead of failing the record", async () => {
    const s = memoryService();
    const job = await s.onboard({ email: "requeue@example.com" });
    s.queue.drain();
    await s.people.acquireLease("requeue@example.com", "another-job", s.clock.now().getTime(), 60_000);
    await s.work(1);
    expect(s.queue.sent).toEqual([]);
    s.queue.sent.push({ jobId: job.job.job_id, lane: "bulk" });
    await s.work(1);
    expect(s.queue.sent).toEqual([{ jobId: job.job.job_id, lane: "bulk", delaySeconds: 2 }]);
  });

  it("the lease is released when the job ends, and kept while it waits for a retry", async () => {
    const s = memoryService();
    s.dialpad.fail("createUser");
    const { job } = await s.onboard({ email: "keep@example.com" });
    await expect(runJob(job.job_id, firstDelivery, s.lifecycle)).rejects.toThrow(DialpadError);
    expect(s.people.leaseHolder("keep@example.com")).toBe(job.job_id);
    expect(s.jobs.runHeld(job.job_id)).toBe(false);
    expect(await runJob(job.job_id, { receiveCount: 2, maxReceives: 5 }, s.lifecycle)).toBe("finished");
    expect(s.people.leaseHolder("keep@example.com")).toBeUndefined();
  });
});

describe("one run of a job at a time", () => {
  it("two deliveries of the same job at once: one runs the steps, the other is busy; one number assigned", async () => {
    const s = memoryService();
    const gate = gated(s.dialpad, "assignNumber");
    const lifecycle = { ...s.lifecycle, dialpad: { urgent: gate.wrapped, bulk: gate.wrapped } };
    const { job } = await s.onboard({ email: "dup@example.com", area_code: "212" });
    const first = runJob(job.job_id, firstDelivery, lifecycle);
    await gate.waiting; // the first run is inside assign_number
    const second = await runJob(job.job_id, firstDelivery, lifecycle);
    gate.release();
    expect(second).toBe("busy");
    expect(await first).toBe("finished");
    expect(s.dialpad.count("assignNumber")).toBe(1);
    expect(s.dialpad.count("createUser")).toBe(1);
    expect(s.dialpad.byEmail("dup@example.com")[0]?.phone_numbers).toHaveLength(1);
    const done = (await s.jobs.get(job.job_id)) as Job;
    expect(done.steps.filter((step) => step.name === "assign_number")).toHaveLength(1);
  });

  it("a run whose token expired and was taken over writes nothing more (fenced)", async () => {
    const s = memoryService();
    const gate = gated(s.dialpad, "createUser");
    const slow = { ...s.lifecycle, dialpad: { urgent: gate.wrapped, bulk: gate.wrapped }, leaseTtlMs: 1000 };
    const { job } = await s.onboard({ email: "fenced@example.com" });
    const stale = runJob(job.job_id, firstDelivery, slow);
    await gate.waiting;
    s.clock.advance(5000); // the first run's token (and the lease) expired: it is presumed dead
    expect(await runJob(job.job_id, { receiveCount: 2, maxReceives: 5 }, s.lifecycle)).toBe("finished");
    gate.release();
    expect(await stale).toBe("ignored");
    expect(s.dialpad.byEmail("fenced@example.com")).toHaveLength(1);
    expect((await s.jobs.get(job.job_id))?.status).toBe("succeeded");
  });

  it("the store refuses step writes and a finish from a run that does not hold the job", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "token@example.com" });
    const claim = {
      runId: "run-a",
      at: s.clock.now().toISOString(),
      nowMs: s.clock.now().getTime(),
      ttlMs: 1000,
    };
    expect((await s.jobs.startRun(job.job_id, claim)).outcome).toBe("started");
    expect((await s.jobs.startRun(job.job_id, { ...claim, runId: "run-b" })).outcome).toBe("busy");
    const update = { steps: [], at: claim.at };
    await expect(s.jobs.recordSteps(job.job_id, "run-b", update)).rejects.toBeInstanceOf(RunSuperseded);
    await expect(
      s.jobs.finish(job.job_id, claim.at, { status: "succeeded" }, "run-b"),
    ).rejects.toBeInstanceOf(RunSuperseded);
    await s.jobs.recordSteps(job.job_id, "run-a", update);
    await s.jobs.endRun(job.job_id, "run-a");
    expect((await s.jobs.startRun(job.job_id, { ...claim, runId: "run-b" })).outcome).toBe("started");
  });

  it("a claim written before its answer was lost is undone: the next delivery runs the job", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "lost-claim@example.com" });
    const startRun = s.jobs.startRun.bind(s.jobs);
    const dropped = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const lossy = {
      ...s.lifecycle,
      jobs: Object.assign(Object.create(s.jobs), {
        startRun: async (...args: Parameters<typeof startRun>) => {
          await startRun(...args);
          throw dropped;
        },
      }),
    };
    await expect(runJob(job.job_id, firstDelivery, lossy)).rejects.toBe(dropped);
    expect(await runJob(job.job_id, { receiveCount: 2, maxReceives: 5 }, s.lifecycle)).toBe("finished");
    expect(s.dialpad.count("createUser")).toBe(1);
  });

  it("a delivery of a finished job is ignored", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "finished@example.com" });
    await s.work();
    expect(await runJob(job.job_id, firstDelivery, s.lifecycle)).toBe("ignored");
    expect(s.dialpad.count("createUser")).toBe(1);
  });

  it("a re-send of a job already running is busy, not a second run", async () => {
    const s = memoryService();
    const gate = gated(s.dialpad, "createUser");
    const lifecycle = { ...s.lifecycle, dialpad: { urgent: gate.wrapped, bulk: gate.wrapped } };
    const { job } = await s.onboard({ email: "resent@example.com" });
    const running = runJob(job.job_id, firstDelivery, lifecycle);
    await gate.waiting;
    expect(await runJob(job.job_id, firstDelivery, lifecycle)).toBe("busy");
    gate.release();
    expect(await running).toBe("finished");
  });
});

describe("failures", () => {
  it("a permanent failure ends the job at once and releases the lease", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "perm@example.com", office_name: "Nowhere" });
    expect(await runJob(job.job_id, firstDelivery, s.lifecycle)).toBe("finished");
    expect(await s.jobs.get(job.job_id)).toMatchObject({
      status: "failed",
      error: { code: "office_not_found" },
    });
    expect(s.people.leaseHolder("perm@example.com")).toBeUndefined();
  });

  it("a transient failure is thrown for the queue to redeliver; the job stays running, the step started", async () => {
    const s = memoryService();
    s.dialpad.fail("findUsersByEmail");
    const { job } = await s.onboard({ email: "transient@example.com" });
    await expect(runJob(job.job_id, firstDelivery, s.lifecycle)).rejects.toThrow(/503/);
    const stored = (await s.jobs.get(job.job_id)) as Job;
    expect(stored.status).toBe("running");
    expect(stored.steps.at(-1)).toMatchObject({ name: "find_existing_user", status: "started" });
    expect(stored.steps.at(-1)?.detail).toMatch(/will retry/);
  });

  it("the last receive records the failure (dialpad_unavailable) before the message goes to the DLQ", async () => {
    const s = memoryService();
    s.dialpad.fail("findUsersByEmail", { times: 10 });
    const { job } = await s.onboard({ email: "exhausted@example.com" });
    await expect(runJob(job.job_id, { receiveCount: 5, maxReceives: 5 }, s.lifecycle)).rejects.toThrow();
    expect(await s.jobs.get(job.job_id)).toMatchObject({
      status: "failed",
      error: { code: "dialpad_unavailable" },
    });
    expect(s.people.leaseHolder("exhausted@example.com")).toBeUndefined();
    expect(s.jobs.runHeld(job.job_id)).toBe(false);
  });

  it("an unexpected error on the last receive is recorded as internal_error", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "bug@example.com" });
    const broken = { ...s.lifecycle, offices: { findByName: () => Promise.reject(new TypeError("boom")) } };
    await expect(runJob(job.job_id, { receiveCount: 5, maxReceives: 5 }, broken as never)).rejects.toThrow(
      "boom",
    );
    expect(await s.jobs.get(job.job_id)).toMatchObject({
      status: "failed",
      error: { code: "internal_error" },
    });
  });

  it("every failed delivery in turn: the worker loop ends the job failed after maxReceives", async () => {
    const s = memoryService({ maxReceives: 3 });
    s.dialpad.fail("findUsersByEmail", { times: 10 });
    const { job } = await s.onboard({ email: "loop@example.com" });
    const errors = await s.work();
    expect(errors).toHaveLength(3);
    expect((await s.jobs.get(job.job_id))?.status).toBe("failed");
  });
});

describe("the worker's deadline", () => {
  /** The invocation's remaining time, fixed for the test. */
  const remaining = (ms: number) => () => ms;

  it("with too little time left, no step starts: the run stops, keeps the lease, gives the token back", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "late@example.com" });
    const result = await runJob(
      job.job_id,
      { ...firstDelivery, remainingTimeMs: remaining(1000) },
      s.lifecycle,
    );
    expect(result).toBe("paused");
    const stored = (await s.jobs.get(job.job_id)) as Job;
    expect(stored).toMatchObject({ status: "running", steps: [] });
    expect(s.jobs.runHeld(job.job_id)).toBe(false);
    expect(s.people.leaseHolder("late@example.com")).toBe(job.job_id);
    expect(s.dialpad.calls).toEqual([]);
  });

  it("the worker hands a paused record back (a batch item failure with a short delay)", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "handback@example.com" });
    s.queue.drain();
    const record = {
      messageId: "m",
      receiptHandle: "receipt-1",
      body: JSON.stringify({ job_id: job.job_id }),
      attributes: { ApproximateReceiveCount: "1" },
      eventSourceARN: "arn:aws:sqs:eu-west-1:000000000000:bulk",
    } as never;
    await expect(processJobMessage(record, s.worker, remaining(500))).rejects.toThrow(/deadline/);
    expect(s.queue.handedBack).toEqual([{ lane: "bulk", receiptHandle: "receipt-1", delaySeconds: 1 }]);
    // Its next delivery has time: the job resumes and succeeds.
    await processJobMessage(record, s.worker, remaining(60_000));
    expect((await s.jobs.get(job.job_id))?.status).toBe("succeeded");
    expect(s.people.leaseHolder("handback@example.com")).toBeUndefined();
  });

  it("on its last receive a paused job is carried on by a fresh message, never sent to the DLQ", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "lastpause@example.com" });
    s.queue.drain();
    const record = {
      messageId: "m",
      receiptHandle: "receipt-5",
      body: JSON.stringify({ job_id: job.job_id }),
      attributes: { ApproximateReceiveCount: "5" },
      eventSourceARN: "arn:aws:sqs:eu-west-1:000000000000:bulk",
    } as never;
    await processJobMessage(record, s.worker, remaining(500));
    expect(s.queue.sent).toEqual([{ jobId: job.job_id, lane: "bulk", delaySeconds: 1 }]);
    expect((await s.jobs.get(job.job_id))?.status).toBe("running");
  });

  it("a Dialpad call cut short by the deadline pauses the job instead of failing it", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "cut@example.com" });
    let left = 10_000;
    const timeUp = new Proxy(s.dialpad, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "findUsersByEmail") return typeof value === "function" ? value.bind(target) : value;
        return async () => {
          left = 100; // the call took the invocation's time
          throw new DialpadError("transient", "Dialpad GET not sent: the caller's time is up");
        };
      },
    });
    const lifecycle = { ...s.lifecycle, dialpad: { urgent: timeUp, bulk: timeUp } };
    const result = await runJob(
      job.job_id,
      { receiveCount: 5, maxReceives: 5, remainingTimeMs: () => left },
      lifecycle,
    );
    expect(result).toBe("paused");
    const stored = (await s.jobs.get(job.job_id)) as Job;
    expect(stored.status).toBe("running");
    expect(stored.steps.at(-1)).toMatchObject({ name: "find_existing_user", status: "started" });
    expect(await runJob(job.job_id, { receiveCount: 1, maxReceives: 5 }, s.lifecycle)).toBe("finished");
    expect(s.dialpad.byEmail("cut@example.com")).toHaveLength(1);
  });

  it("with time enough, a deadline changes nothing", async () => {
    const s = memoryService();
    const { job } = await s.onboard({ email: "ontime@example.com", area_code: "212" });
    expect(
      await runJob(job.job_id, { ...firstDelivery, remainingTimeMs: remaining(60_000) }, s.lifecycle),
    ).toBe("finished");
  });
});
