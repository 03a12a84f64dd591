/**
 * A job written but never queued (the send failed and the client gave up) is sent by the sweeper's
 * re-send after its grace period, once; sent and cancelled jobs are left alone.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Job } from "../../shared/lifecycle/model";
import { resendUnsentJobs } from "../../shared/lifecycle/resend-unsent-jobs";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

let h: LifecycleHarness;
beforeAll(async () => {
  h = await startLifecycleHarness({ startWorkers: false });
});
afterAll(() => h.stop());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function draft(jobId: string, createdAt: string): Job {
  return {
    job_id: jobId,
    kind: "offboard",
    status: "queued",
    email: `${jobId}@example.com`,
    request: { email: `${jobId}@example.com` },
    steps: [],
    client: "test-client",
    authority: { admin: false },
    created_at: createdAt,
    updated_at: createdAt,
    progress: {},
  };
}

async function drain(queueUrl: string) {
  const bodies: string[] = [];
  for (;;) {
    const received = await h.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!received.Messages?.length) return bodies;
    bodies.push(...received.Messages.map((m) => m.Body ?? ""));
  }
}

it("sends an accepted job whose send was lost, once, and leaves the others", async () => {
  const key = (id: string) => ({ key: `test#${id}`, bodyHash: id });
  // Written, never sent: what a failed SendMessage after the write leaves behind.
  await h.service.jobs.create(draft("lost", minutesAgo(5)), key("lost"));
  // Too young: its submitter may still be sending it.
  await h.service.jobs.create(draft("young", minutesAgo(0)), key("young"));
  // Cancelled before it was ever sent.
  await h.service.jobs.create(draft("cancelled", minutesAgo(5)), key("cancelled"));
  await h.service.jobs.cancelIfQueued("cancelled", minutesAgo(4), "superseded");
  // Submitted the normal way: written and sent.
  const normal = await h.offboard({ email: "normal@example.com" });
  await drain(h.queues.urgent.queueUrl);

  const deps = {
    kinds: h.service.kinds,
    jobs: h.service.jobs,
    queue: h.service.queue,
    clock: h.service.clock,
  };
  expect(await resendUnsentJobs(deps)).toBe(1);
  expect(await drain(h.queues.urgent.queueUrl)).toEqual([JSON.stringify({ job_id: "lost" })]);
  expect((await h.service.jobs.get("lost"))?.enqueued_at).toEqual(expect.any(String));
  expect((await h.service.jobs.get("young"))?.enqueued_at).toBeUndefined();
  expect((await h.service.jobs.get(normal.job.job_id))?.enqueued_at).toEqual(expect.any(String));

  expect(await resendUnsentJobs(deps)).toBe(0);
  expect(await drain(h.queues.urgent.queueUrl)).toEqual([]);
});
