/**
 * Tells the world a job ended, primary course: read the job as it now stands → if it has ended,
 * publish a `Job Finished` event → if it has a callback URL, queue the first callback delivery.
 * Called by the worker after it ends a job, and again whenever it meets a job that had already
 * ended (cancelled while queued, or a crash between the end and this call), so an announcement
 * is never lost; receivers may see one twice and tell repeats apart by `job_id`.
 */
import { type Job, TERMINAL_STATUSES } from "../lifecycle/model";
import type { Clock, JobReads } from "../lifecycle/ports";
import { jobView } from "../lifecycle/views";
import type { CallbackQueue, JobFinishedEvents } from "./ports";

export interface AnnounceDeps {
  jobs: Pick<JobReads, "get">;
  events: JobFinishedEvents;
  callbacks: CallbackQueue;
  clock: Clock;
}

/** `ended`: the job as its run ended it, when the caller holds it (else it is read). */
export async function announceJobFinished(jobId: string, deps: AnnounceDeps, ended?: Job): Promise<void> {
  const job = ended ?? (await deps.jobs.get(jobId));
  if (!job || !TERMINAL_STATUSES.has(job.status)) return;
  await deps.events.publish(jobView(job));
  if (callbackUrlOf(job)) {
    const now = deps.clock.now().toISOString();
    await deps.callbacks.send(
      { type: "callback", job_id: job.job_id, attempt: 1, first_attempt_at: now, due_at: now },
      0,
    );
  }
}

export function callbackUrlOf(job: { request: object }): string | undefined {
  const url = (job.request as { callback_url?: unknown }).callback_url;
  return typeof url === "string" ? url : undefined;
}
