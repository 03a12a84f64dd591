/**
 * The job queues in memory: what was sent (JobQueue), and what the worker does with a record it
 * hands back (JobMessageQueues: re-queue a busy job, shorten a failed record's visibility).
 */
import type { JobMessageQueues } from "../../../functions/worker/process-job-message";
import type { JobQueue, Lane } from "../../../shared/lifecycle/ports";

export interface SentMessage {
  jobId: string;
  lane: Lane;
  delaySeconds?: number;
}

export class InMemoryJobQueue implements JobQueue, JobMessageQueues {
  readonly sent: SentMessage[] = [];
  readonly handedBack: { lane: Lane; receiptHandle: string; delaySeconds: number }[] = [];
  /** Sends that fail next (a lost SendMessage), one per count. */
  failNextSends = 0;

  async enqueue(jobId: string, lane: Lane, delaySeconds?: number): Promise<void> {
    if (this.failNextSends > 0) {
      this.failNextSends -= 1;
      throw new Error("SendMessage failed (simulated)");
    }
    this.sent.push({ jobId, lane, ...(delaySeconds !== undefined ? { delaySeconds } : {}) });
  }

  laneOfQueueArn(arn: string): Lane {
    return arn.endsWith("urgent") ? "urgent" : "bulk";
  }

  requeue(jobId: string, lane: Lane, delaySeconds: number): Promise<void> {
    return this.enqueue(jobId, lane, delaySeconds);
  }

  async retryAfter(lane: Lane, receiptHandle: string, delaySeconds: number): Promise<void> {
    this.handedBack.push({ lane, receiptHandle, delaySeconds });
  }

  /** Takes every message sent so far off the queue. */
  drain(): SentMessage[] {
    return this.sent.splice(0, this.sent.length);
  }
}
