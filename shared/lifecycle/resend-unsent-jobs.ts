/**
 * Closes the one gap between accepting a request and queueing it: the job is written first, then
 * sent; if the send fails and the client never repeats the request, the job would wait forever.
 * Every job stays on the "unsent" list until its send is recorded, and this (run by the sweeper)
 * sends whatever has stayed there longer than a grace period (job-intake.ts `sendJob`).
 */
import { type IntakeDeps, sendJob } from "./job-intake";
import type { UnsentJobs } from "./ports";

export interface ResendDeps extends Omit<IntakeDeps, "newJobId"> {
  /** How old an unsent job must be; younger ones may still be in their submitter's hands. */
  graceMs?: number;
  jobs: IntakeDeps["jobs"] & UnsentJobs;
}

/** Answers how many jobs were sent again. */
export async function resendUnsentJobs(deps: ResendDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - (deps.graceMs ?? 60_000)).toISOString();
  let resent = 0;
  for await (const page of deps.jobs.listUnsent(before))
    for (const job of page) if (await sendJob(job, deps)) resent += 1;
  return resent;
}
