/**
 * The ports of job-finished notifications: the event bus (EventBridge in AWS, a recorder in local
 * mode and tests) and the callback queue (SQS with delays). Adapters live beside them.
 */
import type { jobView } from "../lifecycle/views";

export type JobView = ReturnType<typeof jobView>;

export const JOB_FINISHED_SOURCE = "dialpad-lifecycle";
export const JOB_FINISHED_DETAIL_TYPE = "Job Finished";

export interface JobFinishedEvents {
  /** Publishes one `Job Finished` event whose detail is the job as the API shows it. */
  publish(job: JobView): Promise<void>;
}

/** One delivery attempt of a job's callback; `first_attempt_at` bounds the retries. */
export interface CallbackMessage {
  type: "callback";
  job_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  first_attempt_at: string;
  /** Not before this time: SQS delays are at most 15 minutes, so a longer wait is taken in hops. */
  due_at: string;
}

export interface CallbackQueue {
  send(message: CallbackMessage, delaySeconds: number): Promise<void>;
}
