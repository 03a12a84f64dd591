/**
 * Runs one job message to its end, or to the next retry. Primary course: load the job → take the
 * person's lease (one job per person at a time) → mark it running → run the remaining steps →
 * record the outcome → release the lease. Permanent failures end the job at once; anything else
 * is rethrown so the queue redelivers it, until the last allowed receive marks the job failed.
 */
import type { DialpadApi } from "../dialpad/api";
import { exhaustedFailureOf, isUnexpected, JobCancelled, JobFailure, permanentFailureOf } from "./failures";
import { stepsOf } from "./job-kinds";
import { JOB_ERROR_CODES, type Job, TERMINAL_STATUSES } from "./model";
import { resolveOffboardUser } from "./offboard";
import { type JobOutcome, type JobStore, type Lane, laneOf } from "./ports";
import { runSteps, type StepDeps } from "./steps";

export interface RunJobDeps extends Omit<StepDeps, "dialpad"> {
  jobs: JobStore;
  /** One client per lane, each drawing on its lane of the shared rate budget. */
  dialpad: Record<Lane, DialpadApi>;
  leaseTtlMs?: number;
  onFinished?: (job: Job, outcome: JobOutcome) => void;
  /** Told every error nobody planned for (the job shows only a generic internal error): log it. */
  onUnexpectedError?: (job: Job, error: unknown) => void;
  /**
   * Announces an ended job (event, callback: shared/notify/announce-finished.ts): after this run
   * ends it, and whenever a delivery finds it already ended (cancelled while queued, or a crash
   * before the announcement), so no announcement is lost.
   */
  announceFinished?: (jobId: string) => Promise<void>;
}

export interface Delivery {
  /** How many times the queue has handed this message out, this time included. */
  receiveCount: number;
  /** The receive after which the queue moves the message to its DLQ. */
  maxReceives: number;
}

/** finished: the job ended; busy: another job of the person runs, try later; ignored: nothing to do. */
export type RunResult = "finished" | "busy" | "ignored";

const DEFAULT_LEASE_TTL_MS = 15 * 60_000;
/** The lease key of import jobs: not an email, so it never names a person. */
const IMPORT_LEASE = "import-jobs";

export async function runJob(jobId: string, delivery: Delivery, deps: RunJobDeps): Promise<RunResult> {
  let result: RunResult | "ended_before";
  try {
    result = await runToEnd(jobId, delivery, deps);
  } catch (error) {
    // The last receive ended the job as failed before the message goes on to the DLQ.
    if (delivery.receiveCount >= delivery.maxReceives)
      await deps.announceFinished?.(jobId).catch(() => undefined);
    throw error;
  }
  if (result === "finished" || result === "ended_before") await deps.announceFinished?.(jobId);
  return result === "ended_before" ? "ignored" : result;
}

async function runToEnd(
  jobId: string,
  delivery: Delivery,
  deps: RunJobDeps,
): Promise<RunResult | "ended_before"> {
  let job = await deps.jobs.get(jobId);
  if (!job) return "ignored";
  if (TERMINAL_STATUSES.has(job.status)) return "ended_before";
  const dialpad = deps.dialpad[laneOf(job.kind)];
  const now = () => deps.clock.now().toISOString();

  const finish = async (outcome: JobOutcome) => {
    await deps.jobs.finish(jobId, now(), outcome);
    deps.onFinished?.(job as Job, outcome);
  };

  // The person's lease: one job per person at a time. Imports share one lease: one at a time.
  let email: string;
  try {
    email = job.kind === "import" ? IMPORT_LEASE : (job.email ?? (await learnEmail(job, dialpad, deps.jobs)));
  } catch (error) {
    return failOrRetry(error);
  }

  if (
    !(await deps.people.acquireLease(
      email,
      jobId,
      deps.clock.now().getTime(),
      deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    ))
  )
    return "busy";
  let releaseLease = true;
  try {
    if (job.kind === "offboard") await cancelQueuedOnboard(email, job, deps);
    const running = await deps.jobs.startRun(jobId, now());
    if (!running) return "ended_before"; // cancelled while it waited
    job = running;
    await runSteps(running, stepsOf(running), { ...deps, dialpad }, deps.jobs);
    await finish({ status: "succeeded" });
    return "finished";
  } catch (error) {
    if (error instanceof JobCancelled) {
      await finish({ status: "cancelled", reason: error.message });
      return "finished";
    }
    // Keep the lease while the job waits for its retry, so no other job of the person interleaves.
    releaseLease = permanentFailureOf(error) !== undefined || delivery.receiveCount >= delivery.maxReceives;
    return await failOrRetry(error);
  } finally {
    if (releaseLease) await deps.people.releaseLease(email, jobId);
  }

  async function failOrRetry(error: unknown): Promise<RunResult> {
    if (isUnexpected(error)) deps.onUnexpectedError?.(job as Job, error);
    const failure = permanentFailureOf(error);
    if (failure) {
      await finish({ status: "failed", error: { code: failure.code, message: failure.message } });
      return "finished";
    }
    // The last receive: record why, then let the message go on to the DLQ.
    if (delivery.receiveCount >= delivery.maxReceives)
      await finish({ status: "failed", error: exhaustedFailureOf(error) });
    throw error;
  }
}

/** An offboard asked by user id learns the email (our lease key) from Dialpad first. */
async function learnEmail(job: Job, dialpad: DialpadApi, jobs: JobStore): Promise<string> {
  if (job.kind !== "offboard")
    throw new JobFailure("internal_error", `${job.kind} job ${job.job_id} has no email`);
  const user = await resolveOffboardUser(dialpad, job.request);
  const email = user.emails?.[0]?.toLowerCase();
  if (!email)
    throw new JobFailure(
      "user_not_found",
      `Dialpad user ${user.id} has no email (${JOB_ERROR_CODES.user_not_found})`,
    );
  await jobs.setIdentity(job.job_id, { email, user_id: user.id });
  return email;
}

/** An offboard supersedes the person's onboarding while that is still waiting in the queue. */
export async function cancelQueuedOnboard(
  email: string,
  offboard: Job,
  deps: Pick<RunJobDeps, "people" | "jobs" | "clock">,
) {
  const onboardJobId = await deps.people.openOnboardJob(email);
  if (!onboardJobId || onboardJobId === offboard.job_id) return false;
  return deps.jobs.cancelIfQueued(
    onboardJobId,
    deps.clock.now().toISOString(),
    `Superseded by offboard job ${offboard.job_id} before it started.`,
  );
}
