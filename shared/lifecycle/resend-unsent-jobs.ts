/**
 * Closes the one gap between accepting a request and queueing it: the job is written first, then
 * sent; if the send fails and the client never repeats the request, the job would wait forever.
 * Every job stays on the "unsent" list until its send is recorded, and this (run by the sweeper)
 * sends whatever has stayed there longer than a grace period. A duplicate send is harmless: the
 * worker ignores a job that is no longer queued and takes the person's lease before running.
 */
import { type Clock, type JobQueue, type JobStore, laneOf } from "./ports";

export interface ResendDeps {
  jobs: JobStore;
  queue: JobQueue;
  clock: Clock;
  /** How old an unsent job must be; younger ones may still be in their submitter's hands. */
  graceMs?: number;
}

/** Answers how many jobs were sent again. */
export async function resendUnsentJobs(deps: ResendDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - (deps.graceMs ?? 60_000)).toISOString();
  let resent = 0;
  for await (const page of deps.jobs.listUnsent(before)) {
    for (const job of page) {
      // A job cancelled before it was ever sent only leaves the list.
      if (job.status === "queued") {
        await deps.queue.enqueue(job.job_id, laneOf(job.kind));
        resent += 1;
      }
      await deps.jobs.markEnqueued(job.job_id, deps.clock.now().toISOString());
    }
  }
  return resent;
}
