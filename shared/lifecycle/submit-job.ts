/**
 * Accepting a client's request for a job, primary course: derive its idempotency key → ask the
 * job's kind whom it is about → for an offboard, ask the mass-change guard (held or not) → take
 * the job in (job-intake.ts: write job and key together, then queue it unless held) → for a new
 * job (or a repeat of one not sent yet), run its kind's `onAccepted` (an onboarding is remembered;
 * an offboard is recorded on the person and, once queued, cancels the person's still-queued
 * onboarding).
 */
import { authorityOf } from "./authority";
import { type IntakeDeps, takeInJob } from "./job-intake";
import type { IntakeHookDeps, JobKindRegistry } from "./job-kind";
import {
  checkOffboard,
  type GuardDecision,
  type MassChangeCounter,
  massOffboardLimitOf,
} from "./mass-change-guard";
import type { ImportRequest, Job, OffboardRequest, OnboardRequest, UpdateRequest } from "./model";
import type { JobReads, RequestKey, UnsentJobs } from "./ports";
import { requestKey } from "./request-key";

export type Submission =
  | { kind: "onboard"; request: OnboardRequest }
  | { kind: "offboard"; request: OffboardRequest }
  | { kind: "update"; request: UpdateRequest }
  | { kind: "import"; request: ImportRequest };

export interface SubmitJobDeps extends IntakeDeps {
  kinds: JobKindRegistry;
  people: IntakeHookDeps["people"];
  jobs: IntakeDeps["jobs"] & IntakeHookDeps["jobs"];
  /** The mass-change guard's count and settings; absent, no offboard is ever held. */
  massChange?: {
    counter: MassChangeCounter;
    /** MASS_OFFBOARD_LIMIT: the limit of `scim` clients without one of their own. */
    scimDefaultLimit: number;
    /** Told each offboard the guard held (the JobsHeld metric and its alarm). */
    onHeld?: (job: Job) => void;
  };
}

/**
 * The intake services a front (the API, SCIM) hands to its use cases: submitting, deciding on held
 * jobs (job-decisions.ts) and re-sending (resend-unsent-jobs.ts) share one set of ports.
 */
export interface SubmitDeps extends SubmitJobDeps {
  jobs: SubmitJobDeps["jobs"] & JobReads & UnsentJobs;
}

export interface Caller {
  client: string;
  idempotencyKey: string | undefined;
  scopes: readonly string[];
  /** The client registry entry's `mass_offboard_limit` (0 = off), when it has one. */
  massOffboardLimit?: number | undefined;
}

export async function submitJob(
  submission: Submission,
  caller: Caller,
  deps: SubmitJobDeps,
): Promise<{ job: Job; created: boolean }> {
  const key = requestKey({
    kind: submission.kind,
    client: caller.client,
    headerKey: caller.idempotencyKey,
    body: submission.request,
  });
  const subject = await deps.kinds.subjectOf(submission, deps);
  const guard = submission.kind === "offboard" ? await guardOffboard(caller, key, deps) : undefined;
  const { job, created } = await takeInJob(
    {
      ...submission,
      client: caller.client,
      authority: authorityOf(caller.scopes),
      email: subject.email,
      user_id: subject.user_id,
      ticket: submission.request.ticket,
      ...(guard?.held ? { held: { reason: guard.reason } } : {}),
    },
    key,
    deps,
    async (job) => deps.kinds.of(job.kind).onAccepted?.(job, deps),
  );
  if (!created)
    await guard?.uncount?.(); // a replay counts nothing
  else if (job.status === "held") deps.massChange?.onHeld?.(job);
  return { job, created };
}

function guardOffboard(caller: Caller, key: RequestKey, deps: SubmitJobDeps): Promise<GuardDecision> {
  if (!deps.massChange) return Promise.resolve({ held: false });
  const limit = massOffboardLimitOf(caller, deps.massChange.scimDefaultLimit);
  return checkOffboard(caller, key, limit, { counter: deps.massChange.counter, clock: deps.clock });
}
