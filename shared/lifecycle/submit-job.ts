/**
 * Accepting a client's request for a job, primary course: derive its idempotency key → ask the
 * job's kind whom it is about → take the job in (job-intake.ts: write job and key together, then
 * queue it) → for a new job, run its kind's `onAccepted` (an onboarding is remembered; an offboard
 * is recorded on the person and cancels the person's still-queued onboarding).
 */
import { authorityOf } from "./authority";
import { type IntakeDeps, takeInJob } from "./job-intake";
import type { JobKindRegistry } from "./job-kind";
import type { ImportRequest, Job, OffboardRequest, OnboardRequest, UpdateRequest } from "./model";
import type { PersonStore } from "./ports";
import { requestKey } from "./request-key";

export type Submission =
  | { kind: "onboard"; request: OnboardRequest }
  | { kind: "offboard"; request: OffboardRequest }
  | { kind: "update"; request: UpdateRequest }
  | { kind: "import"; request: ImportRequest };

export interface SubmitDeps extends IntakeDeps {
  kinds: JobKindRegistry;
  people: PersonStore;
}

export async function submitJob(
  submission: Submission,
  caller: { client: string; idempotencyKey: string | undefined; scopes: readonly string[] },
  deps: SubmitDeps,
): Promise<{ job: Job; created: boolean }> {
  const key = requestKey({
    kind: submission.kind,
    client: caller.client,
    headerKey: caller.idempotencyKey,
    body: submission.request,
  });
  const subject = await deps.kinds.subjectOf(submission, deps);
  const { job, created } = await takeInJob(
    {
      ...submission,
      client: caller.client,
      authority: authorityOf(caller.scopes),
      email: subject.email,
      user_id: subject.user_id,
      ticket: submission.request.ticket,
    },
    key,
    deps,
    async (job) => deps.kinds.of(job.kind).onAccepted?.(job, deps),
  );
  return { job, created };
}
