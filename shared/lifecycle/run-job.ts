/**
 * Runs one job message to its end, to the next retry, or to the end of the worker's time.
 * Primary course: load the job → take the person's lease (one job per person at a time) → claim
 * the job for this run (its run token: one run of a job at a time) → run the remaining steps →
 * record the outcome → release the lease. Permanent failures end the job at once; anything else
 * is rethrown so the queue redelivers it, until the last allowed receive marks the job failed.
 * Between steps the run checks its deadline: with too little time left it gives its run token
 * back, keeps the person's lease, and answers "paused" so the message is handed back.
 */

import { randomUUID } from "node:crypto";
import type { DialpadApi } from "../dialpad/api";
import { withCallDeadline } from "../dialpad/call-deadline";
import { RunSuperseded } from "../errors/domain-errors";
import { exhaustedFailureOf, isUnexpected, JobCancelled, permanentFailureOf } from "./failures";
import type { JobKindRegistry } from "./job-kind";
import { type Job, TERMINAL_STATUSES } from "./model";
import type {
  JobDecisions,
  JobOutcome,
  JobReads,
  JobRuns,
  Lane,
  PersonLease,
  RunEnd,
  StepsUpdate,
} from "./ports";
import { runSteps, type Step, type StepDeps } from "./steps";

export interface RunJobDeps extends Omit<StepDeps, "dialpad"> {
  /** The job kinds (job-kinds.ts): each names its lane, its steps and its hooks. */
  kinds: JobKindRegistry;
  jobs: JobReads & JobRuns & JobDecisions;
  people: StepDeps["people"] & PersonLease;
  /** One client per lane, each drawing on its lane of the shared rate budget. */
  dialpad: Record<Lane, DialpadApi>;
  leaseTtlMs?: number;
  /** Time kept free at the end of an invocation to record where the run stopped and hand back. */
  stopMarginMs?: number;
  /** A step starts only with at least this much time left before the stop margin. */
  minStepMs?: number;
  newRunId?: () => string;
  onFinished?: (job: Job, outcome: JobOutcome) => void;
  /** Told every error nobody planned for (the job shows only a generic internal error): log it. */
  onUnexpectedError?: (job: Job, error: unknown) => void;
  /**
   * Announces an ended job (event, callback: shared/notify/announce-finished.ts): after this run
   * ends it, and whenever a delivery finds it already ended (cancelled while queued, or a crash
   * before the announcement), so no announcement is lost. `ended`: the job as this run ended it
   * (absent, it is read).
   */
  announceFinished?: (jobId: string, ended?: Job) => Promise<void>;
}

export interface Delivery {
  /** How many times the queue has handed this message out, this time included. */
  receiveCount: number;
  /** The receive after which the queue moves the message to its DLQ. */
  maxReceives: number;
  /** The invocation's time left (Lambda's `context.getRemainingTimeInMillis`); none: no deadline. */
  remainingTimeMs?: () => number;
}

const DEFAULT_LEASE_TTL_MS = 15 * 60_000;
const DEFAULT_STOP_MARGIN_MS = 1_500;
const DEFAULT_MIN_STEP_MS = 500;

export async function runJob(jobId: string, delivery: Delivery, deps: RunJobDeps): Promise<RunEnd> {
  let result: RunEnd | "ended_before";
  let ended: Job | undefined;
  try {
    result = await runToEnd(jobId, delivery, deps, (job) => {
      ended = job;
    });
  } catch (error) {
    // The last receive ended the job as failed before the message goes on to the DLQ.
    if (delivery.receiveCount >= delivery.maxReceives)
      await deps.announceFinished?.(jobId).catch(() => undefined);
    throw error;
  }
  if (result === "finished" || result === "ended_before") await deps.announceFinished?.(jobId, ended);
  return result === "ended_before" ? "ignored" : result;
}

async function runToEnd(
  jobId: string,
  delivery: Delivery,
  deps: RunJobDeps,
  onEnded: (job: Job) => void,
): Promise<RunEnd | "ended_before"> {
  const loaded = await deps.jobs.get(jobId);
  if (!loaded) return "ignored";
  if (TERMINAL_STATUSES.has(loaded.status)) return "ended_before";
  if (loaded.status === "held") return "ignored"; // never sent while held: its release sends it again
  let job: Job = loaded;
  const kind = deps.kinds.of(job.kind);
  const dialpad = deps.dialpad[kind.lane];
  const hookDeps = { ...deps, dialpad };
  const now = () => deps.clock.now().toISOString();
  const lastReceive = delivery.receiveCount >= delivery.maxReceives;

  // The invocation's deadline, less the margin needed to record the stop and hand the message back.
  const stopMarginMs = deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS;
  const stopAtMs = delivery.remainingTimeMs && Date.now() + delivery.remainingTimeMs() - stopMarginMs;
  const outOfTime = () =>
    delivery.remainingTimeMs !== undefined &&
    delivery.remainingTimeMs() - stopMarginMs < (deps.minStepMs ?? DEFAULT_MIN_STEP_MS);

  let runId: string | undefined;
  const finish = async (outcome: JobOutcome, steps?: StepsUpdate) => {
    onEnded(await deps.jobs.finish(jobId, now(), outcome, runId, steps));
    deps.onFinished?.(job, outcome);
  };

  // The person's lease: one job per person at a time (the kind may name another key).
  let leaseKey: string;
  try {
    leaseKey = await deps.kinds.leaseKeyOf(job, hookDeps);
  } catch (error) {
    return failOrRetry(error);
  }

  const nowMs = deps.clock.now().getTime();
  const leaseTtlMs = deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!(await deps.people.acquireLease(leaseKey, jobId, nowMs, leaseTtlMs))) return "busy";
  // The person's lease is the job's (it outlives a run, across retries); the run token is this
  // delivery's, for no longer than this invocation can last.
  const claim = {
    runId: deps.newRunId?.() ?? randomUUID(),
    at: now(),
    nowMs,
    ttlMs: delivery.remainingTimeMs ? delivery.remainingTimeMs() : leaseTtlMs,
  };
  const started = await deps.jobs.startRun(jobId, claim).catch(async (error: unknown) => {
    // The claim may have been written before the failure (a dropped answer): undo it, or the next
    // delivery would find the job busy until the claim expires.
    await deps.jobs.endRun(jobId, claim.runId).catch(() => undefined);
    throw error;
  });
  if (started.outcome === "busy") return "busy"; // another delivery runs it and keeps the lease
  let releaseLease = true;
  try {
    if (started.outcome === "ended") return "ended_before"; // cancelled while it waited
    runId = claim.runId;
    job = started.job;
    await kind.beforeSteps?.(job, leaseKey, hookDeps);
    const steps = () =>
      runSteps(job, kind.steps as readonly Step<Job>[], hookDeps, {
        jobs: deps.jobs,
        runId: claim.runId,
        outOfTime,
      });
    const ran = stopAtMs === undefined ? await steps() : await withCallDeadline(stopAtMs, steps);
    if (ran.end === "paused") {
      await deps.jobs.endRun(jobId, claim.runId);
      releaseLease = false;
      return "paused";
    }
    // The last steps' records go with the job's end: one write.
    await finish({ status: "succeeded" }, ran.unsaved);
    return "finished";
  } catch (error) {
    if (error instanceof RunSuperseded) {
      // Another run took the job over: it holds the lease now, and the job is its to finish.
      releaseLease = false;
      return "ignored";
    }
    if (error instanceof JobCancelled) {
      await finish({ status: "cancelled", reason: error.message });
      return "finished";
    }
    const permanent = permanentFailureOf(error) !== undefined;
    // Keep the lease while the job waits for its retry (or its resumption after a call cut short
    // by the deadline, which is no failure of the job), so no other job of the person interleaves.
    if (!permanent && outOfTime()) {
      await deps.jobs.endRun(jobId, claim.runId);
      releaseLease = false;
      return "paused";
    }
    releaseLease = permanent || lastReceive;
    if (!releaseLease) await deps.jobs.endRun(jobId, claim.runId);
    return await failOrRetry(error);
  } finally {
    if (releaseLease) await deps.people.releaseLease(leaseKey, jobId);
  }

  async function failOrRetry(error: unknown): Promise<RunEnd> {
    if (isUnexpected(error)) deps.onUnexpectedError?.(job, error);
    const failure = permanentFailureOf(error);
    if (failure) {
      await finish({ status: "failed", error: { code: failure.code, message: failure.message } });
      return "finished";
    }
    // The last receive: record why, then let the message go on to the DLQ.
    if (lastReceive) await finish({ status: "failed", error: exhaustedFailureOf(error) });
    throw error;
  }
}
