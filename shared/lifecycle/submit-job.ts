/**
 * Accepting an onboard, offboard, update or import request, primary course: derive its idempotency key
 * → for an offboard, ask the mass-change guard (held or not) → take the job in (job-intake.ts: write
 * job and key together, then queue it unless held) → for a new job, remember the person's
 * onboarding, or record an offboard's request on the person and, when it is queued, let it cancel
 * the person's still-queued onboarding first (a held one does so when it is released).
 */
import { authorityOf } from "./authority";
import { type IntakeDeps, takeInJob } from "./job-intake";
import {
  checkOffboard,
  type GuardDecision,
  type MassChangeCounter,
  massOffboardLimitOf,
} from "./mass-change-guard";
import type { ImportRequest, Job, OffboardRequest, OnboardRequest, UpdateRequest } from "./model";
import type { PersonStore, RequestKey } from "./ports";
import { requestKey } from "./request-key";
import { cancelQueuedOnboard } from "./run-job";

export type Submission =
  | { kind: "onboard"; request: OnboardRequest }
  | { kind: "offboard"; request: OffboardRequest }
  | { kind: "update"; request: UpdateRequest }
  | { kind: "import"; request: ImportRequest };

export interface SubmitDeps extends IntakeDeps {
  people: PersonStore;
  /** The mass-change guard's count and settings; absent, no offboard is ever held. */
  massChange?: {
    counter: MassChangeCounter;
    /** MASS_OFFBOARD_LIMIT: the limit of `scim` clients without one of their own. */
    scimDefaultLimit: number;
    /** Told each offboard the guard held (the JobsHeld metric and its alarm). */
    onHeld?: (job: Job) => void;
  };
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
  deps: SubmitDeps,
): Promise<{ job: Job; created: boolean }> {
  const key = requestKey({
    kind: submission.kind,
    client: caller.client,
    headerKey: caller.idempotencyKey,
    body: submission.request,
  });
  const email =
    submission.kind === "offboard"
      ? await offboardEmail(submission.request, deps.people)
      : submission.kind === "import"
        ? undefined
        : submission.request.email;
  const userId = submission.kind === "offboard" ? submission.request.user_id : undefined;
  const guard = submission.kind === "offboard" ? await guardOffboard(caller, key, deps) : undefined;
  const { job, created } = await takeInJob(
    {
      ...submission,
      client: caller.client,
      authority: authorityOf(caller.scopes),
      email,
      user_id: userId,
      ticket: submission.request.ticket,
      ...(guard?.held ? { held: { reason: guard.reason } } : {}),
    },
    key,
    deps,
    async (job) => {
      if (!job.email) return;
      if (job.kind === "onboard") await deps.people.noteOnboardJob(job.email, job.job_id);
      if (job.kind === "offboard") {
        await recordOffboardRequested(job.email, job, deps.people);
        if (job.status === "queued") await cancelQueuedOnboard(job.email, job, deps);
      }
    },
  );
  if (!created)
    await guard?.uncount?.(); // a replay counts nothing
  else if (job.status === "held") deps.massChange?.onHeld?.(job);
  return { job, created };
}

function guardOffboard(caller: Caller, key: RequestKey, deps: SubmitDeps): Promise<GuardDecision> {
  if (!deps.massChange) return Promise.resolve({ held: false });
  const limit = massOffboardLimitOf(caller, deps.massChange.scimDefaultLimit);
  return checkOffboard(caller, key, limit, { counter: deps.massChange.counter, clock: deps.clock });
}

/** The email (our per-person key) of an offboard asked by user id, when we know that user. */
async function offboardEmail(request: OffboardRequest, people: PersonStore): Promise<string | undefined> {
  if (request.email) return request.email;
  return request.user_id ? (await people.findByUserId(request.user_id))?.email : undefined;
}

/**
 * The offboard's client goes on the person's history at once, before the job runs: whatever becomes
 * of the job, that client may not approve the deletion of this suspension (lifecycle policy).
 */
async function recordOffboardRequested(email: string, job: Job, people: PersonStore): Promise<void> {
  await people.apply(email, {
    set: { updated_at: job.created_at },
    history: {
      at: job.created_at,
      action: "offboard_requested",
      source: "api",
      job_id: job.job_id,
      client: job.client,
      ...(job.ticket ? { ticket: job.ticket } : {}),
      detail: `offboard requested (job ${job.job_id})`,
    },
    historyId: `${job.job_id}#offboard_requested`,
  });
}
