/**
 * Accepting an onboard or offboard request, primary course: derive its idempotency key → write the
 * job and the key together (a repeat answers the same job, another body under the key is refused)
 * → an offboard cancels the person's still-queued onboarding → put the job on its lane's queue.
 * The job is written before it is queued, and `enqueued_at` records the send: a repeat of a request
 * whose send failed sends it again, so no accepted request is ever lost.
 */
import { randomUUID } from "node:crypto";
import type { Job, OffboardRequest, OnboardRequest } from "./model";
import { type Clock, type JobQueue, type JobStore, laneOf, type PersonStore } from "./ports";
import { requestKey } from "./request-key";
import { cancelQueuedOnboard } from "./run-job";

export type Submission =
  | { kind: "onboard"; request: OnboardRequest }
  | { kind: "offboard"; request: OffboardRequest };

export interface SubmitDeps {
  jobs: JobStore;
  people: PersonStore;
  queue: JobQueue;
  clock: Clock;
  newJobId?: () => string;
}

export async function submitJob(
  submission: Submission,
  caller: { client: string; idempotencyKey: string | undefined },
  deps: SubmitDeps,
): Promise<{ job: Job; created: boolean }> {
  const key = requestKey({
    kind: submission.kind,
    client: caller.client,
    headerKey: caller.idempotencyKey,
    body: submission.request,
  });
  const at = deps.clock.now().toISOString();
  const email =
    submission.kind === "onboard"
      ? submission.request.email
      : await offboardEmail(submission.request, deps.people);
  const draft = {
    job_id: deps.newJobId?.() ?? randomUUID(),
    status: "queued",
    ...(email ? { email } : {}),
    ...(submission.kind === "offboard" && submission.request.user_id
      ? { user_id: submission.request.user_id }
      : {}),
    steps: [],
    ...(submission.request.ticket ? { ticket: submission.request.ticket } : {}),
    client: caller.client,
    created_at: at,
    updated_at: at,
    progress: {},
    ...submission,
  } as Job;

  const { job, created } = await deps.jobs.create(draft, key);
  if (created && job.email) {
    if (job.kind === "onboard") await deps.people.noteOnboardJob(job.email, job.job_id);
    else await cancelQueuedOnboard(job.email, job, deps);
  }
  if (!job.enqueued_at && job.status === "queued") {
    await deps.queue.enqueue(job.job_id, laneOf(job.kind));
    await deps.jobs.markEnqueued(job.job_id, deps.clock.now().toISOString());
  }
  return { job, created };
}

/** The email (our per-person key) of an offboard asked by user id, when we know that user. */
async function offboardEmail(request: OffboardRequest, people: PersonStore): Promise<string | undefined> {
  if (request.email) return request.email;
  return request.user_id ? (await people.findByUserId(request.user_id))?.email : undefined;
}
