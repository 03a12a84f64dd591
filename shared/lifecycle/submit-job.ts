/**
 * Accepting a client's request for a job, primary course: derive its idempotency key → ask the
 * job's kind whom it is about → ask the kind whether to hold it (an offboard: the mass-change guard) → take
 * the job in (job-intake.ts: write job and key together, then queue it unless held) → for a new
 * job (or a repeat of one not sent yet), run its kind's `onAccepted` (an onboarding is remembered;
 * an offboard is recorded on the person and, once queued, cancels the person's still-queued
 * onboarding).
 */
import { authorityOf } from "./authority";
import { type IntakeDeps, takeInJob } from "./job-intake";
import type { Caller, IntakeHookDeps, JobKindRegistry } from "./job-kind";
import type { MassChangeSettings } from "./mass-change-guard";
import type { ClientJobKind, Job, JobOf } from "./model";
import type { JobReads, UnsentJobs } from "./ports";
import { requestKey } from "./request-key";

/** A client's request for a job of one of the kinds clients ask for (derived: no list of kinds here). */
export type Submission = { [K in ClientJobKind]: { kind: K; request: JobOf<K>["request"] } }[ClientJobKind];

export interface SubmitJobDeps extends IntakeDeps {
  kinds: JobKindRegistry;
  people: IntakeHookDeps["people"];
  jobs: IntakeDeps["jobs"] & IntakeHookDeps["jobs"];
  /** The mass-change guard's count and settings; absent, no offboard is ever held. */
  massChange?: MassChangeSettings;
}

/**
 * The intake services a front (the API, SCIM) hands to its use cases: submitting, deciding on held
 * jobs (job-decisions.ts) and re-sending (resend-unsent-jobs.ts) share one set of ports.
 */
export interface SubmitDeps extends SubmitJobDeps {
  jobs: SubmitJobDeps["jobs"] & JobReads & UnsentJobs;
}

export type { Caller } from "./job-kind";

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
  const hold = await deps.kinds.holdOf(submission, { caller, key }, deps);
  const { job, created } = await takeInJob(
    {
      ...submission,
      client: caller.client,
      authority: authorityOf(caller.scopes),
      email: subject.email,
      user_id: subject.user_id,
      ticket: submission.request.ticket,
      ...(hold.held ? { held: { reason: hold.reason } } : {}),
    },
    key,
    deps,
    async (job) => deps.kinds.of(job.kind).onAccepted?.(job, deps),
  );
  if (!created)
    await hold.uncount?.(); // a replay counts nothing
  else if (job.status === "held") deps.massChange?.onHeld?.(job);
  return { job, created };
}
