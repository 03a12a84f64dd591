/**
 * One SQS record → one run of its job, or of a task message told apart by its `type` (a webhook's
 * user sync, an on-demand reconciliation, an office refresh; see `TaskHandlers`). A person busy with another job is not a failure: the message
 * goes back on its queue with a short delay (the receive count stays clean). A failed attempt is
 * retried with back-off by shortening the message's visibility instead of waiting out the full
 * visibility timeout.
 */
import type { SQSRecord } from "aws-lambda";
import * as z from "zod";
import { type OfficeRefreshMessage, officeRefreshMessage } from "../../shared/lifecycle/office-seats";
import type { Lane, RunEnd } from "../../shared/lifecycle/ports";
import type { Delivery, RunJobDeps } from "../../shared/lifecycle/run-job";
import { runJob } from "../../shared/lifecycle/run-job";
import { type ReconcileMessage, reconcileMessage } from "../../shared/reconcile/reconcile-message";
import { type UserSyncMessage, userSyncMessage } from "../../shared/webhook/user-sync-message";

const jobMessage = z.object({ job_id: z.string().min(1).max(100) });
const workMessage = z.union([userSyncMessage, reconcileMessage, officeRefreshMessage, jobMessage]);
type TaskMessage = UserSyncMessage | ReconcileMessage | OfficeRefreshMessage;

/** Handlers of the task messages; a task whose handler is missing fails (and reaches the DLQ). */
export interface TaskHandlers {
  user_sync?: (message: UserSyncMessage, delivery: Delivery) => Promise<void>;
  reconcile?: (message: ReconcileMessage, delivery: Delivery) => Promise<void>;
  office_refresh?: (message: OfficeRefreshMessage, delivery: Delivery) => Promise<void>;
}

export interface JobMessageQueues {
  laneOfQueueArn(arn: string): Lane;
  requeue(jobId: string, lane: Lane, delaySeconds: number): Promise<void>;
  retryAfter(lane: Lane, receiptHandle: string, delaySeconds: number): Promise<void>;
}

export interface ProcessDeps {
  lifecycle: RunJobDeps;
  queues: JobMessageQueues;
  maxReceives: number;
  tasks?: TaskHandlers;
  busyDelaySeconds?: number;
  /** Back-off before a failed attempt's retry; default `retryDelaySeconds`. */
  retryDelay?: (receiveCount: number) => number;
}

/** Capped exponential back-off for a failed attempt: 5 s, 10 s, 20 s ... at most 5 minutes. */
export const retryDelaySeconds = (receiveCount: number) =>
  Math.min(300, 5 * 2 ** Math.max(0, receiveCount - 1));

/** A job run that stopped for lack of time: its record goes back to the queue as a batch item failure. */
class HandedBack extends Error {
  override name = "HandedBack";
  constructor(readonly jobId: string) {
    super(`Job ${jobId} stopped before the worker's deadline; it resumes on its next delivery.`);
  }
}

export async function processJobMessage(
  record: SQSRecord,
  deps: ProcessDeps,
  remainingTimeMs?: () => number,
): Promise<void> {
  const message = workMessage.parse(JSON.parse(record.body));
  const lane = deps.queues.laneOfQueueArn(record.eventSourceARN);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? "1");
  const delivery: Delivery = {
    receiveCount,
    maxReceives: deps.maxReceives,
    ...(remainingTimeMs ? { remainingTimeMs } : {}),
  };
  let result: RunEnd;
  try {
    if ("type" in message) {
      await runTask(message, delivery, deps.tasks ?? {});
      return;
    }
    result = await runJob(message.job_id, delivery, deps.lifecycle);
    if (result === "busy") await deps.queues.requeue(message.job_id, lane, deps.busyDelaySeconds ?? 2);
  } catch (error) {
    // Shorter visibility = a sooner retry; after the last receive, a sooner move to the DLQ.
    await deps.queues
      .retryAfter(lane, record.receiptHandle, (deps.retryDelay ?? retryDelaySeconds)(receiveCount))
      .catch(() => undefined);
    throw error;
  }
  if (result !== "paused") return;
  // Stopped for lack of time: hand the record back to resume soon. On its last receive a hand-back
  // would send it to the DLQ, so a fresh message carries the job on instead.
  if (receiveCount >= deps.maxReceives) {
    await deps.queues.requeue(message.job_id, lane, PAUSED_DELAY_SECONDS);
    return;
  }
  await deps.queues.retryAfter(lane, record.receiptHandle, PAUSED_DELAY_SECONDS).catch(() => undefined);
  throw new HandedBack(message.job_id);
}

const PAUSED_DELAY_SECONDS = 1;

async function runTask(message: TaskMessage, delivery: Delivery, tasks: TaskHandlers) {
  switch (message.type) {
    case "user_sync":
      if (!tasks.user_sync) throw new Error("This worker has no handler for user_sync messages.");
      return tasks.user_sync(message, delivery);
    case "reconcile":
      if (!tasks.reconcile) throw new Error("This worker has no handler for reconcile messages.");
      return tasks.reconcile(message, delivery);
    case "office_refresh":
      if (!tasks.office_refresh) throw new Error("This worker has no handler for office_refresh messages.");
      return tasks.office_refresh(message, delivery);
  }
}
