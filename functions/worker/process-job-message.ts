/**
 * One SQS record → one run of its job. A person busy with another job is not a failure: the message
 * goes back on its queue with a short delay (the receive count stays clean). A failed attempt is
 * retried with back-off by shortening the message's visibility instead of waiting out the full
 * visibility timeout.
 */
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";
import type { Lane } from "../../shared/lifecycle/ports";
import type { RunJobDeps } from "../../shared/lifecycle/run-job";
import { runJob } from "../../shared/lifecycle/run-job";

const jobMessage = z.object({ job_id: z.string().min(1).max(100) });

export interface JobMessageQueues {
  laneOfQueueArn(arn: string): Lane;
  requeue(jobId: string, lane: Lane, delaySeconds: number): Promise<void>;
  retryAfter(lane: Lane, receiptHandle: string, delaySeconds: number): Promise<void>;
}

export interface ProcessDeps {
  lifecycle: RunJobDeps;
  queues: JobMessageQueues;
  maxReceives: number;
  busyDelaySeconds?: number;
  /** Back-off before a failed attempt's retry; default `retryDelaySeconds`. */
  retryDelay?: (receiveCount: number) => number;
}

/** Capped exponential back-off for a failed attempt: 5 s, 10 s, 20 s ... at most 5 minutes. */
export const retryDelaySeconds = (receiveCount: number) =>
  Math.min(300, 5 * 2 ** Math.max(0, receiveCount - 1));

export async function processJobMessage(record: SQSRecord, deps: ProcessDeps): Promise<void> {
  const { job_id: jobId } = jobMessage.parse(JSON.parse(record.body));
  const lane = deps.queues.laneOfQueueArn(record.eventSourceARN);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? "1");
  try {
    const result = await runJob(jobId, { receiveCount, maxReceives: deps.maxReceives }, deps.lifecycle);
    if (result === "busy") await deps.queues.requeue(jobId, lane, deps.busyDelaySeconds ?? 2);
  } catch (error) {
    // Shorter visibility = a sooner retry; after the last receive, a sooner move to the DLQ.
    await deps.queues
      .retryAfter(lane, record.receiptHandle, (deps.retryDelay ?? retryDelaySeconds)(receiveCount))
      .catch(() => undefined);
    throw error;
  }
}
