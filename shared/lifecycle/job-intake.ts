/**
 * Taking a job in, the one way every job enters the system (API submissions, the sweeper's delete
 * jobs, the re-send of lost sends): write the job and its request key together (a repeat answers
 * the same job, another body under the key is refused) → put it on its lane's queue → record the
 * send (`enqueued_at`, which also takes it off the unsent list). The job is written before it is
 * queued, so a send that fails loses nothing: a repeat of the request, or the sweeper's re-send of
 * unsent jobs, sends it again.
 */
import { randomUUID } from "node:crypto";
import type { JobKindRegistry } from "./job-kind";
import type { Job, JobAuthority, JobKind, JobOf, Ticket } from "./model";
import type { Clock, JobIntake, JobQueue, RequestKey } from "./ports";

export interface IntakeDeps {
  /** The job kinds (job-kinds.ts): each names its lane. */
  kinds: Pick<JobKindRegistry, "laneOf">;
  jobs: JobIntake;
  queue: JobQueue;
  clock: Clock;
  newJobId?: () => string;
}

/** What a new job is: its kind and request, who asks, and whom it is about when known. */
export type JobDraft = { [K in JobKind]: Pick<JobOf<K>, "kind" | "request"> }[JobKind] & {
  /** The API client, or "sweeper"/"webhook", asking for the job. */
  client: string;
  /** What that client may do (see authority.ts); recorded so the worker can hold the line. */
  authority: JobAuthority;
  email?: string | undefined;
  user_id?: string | undefined;
  ticket?: Ticket | undefined;
  /** Accepted `held` (the mass-change guard): written, but not sent until released. */
  held?: { reason: string };
};

export interface Intake {
  job: Job;
  /** False when the request key already had a job: `job` is that job. */
  created: boolean;
  /** True when this call put the job on its queue. */
  enqueued: boolean;
}

/**
 * Writes a new queued job under `key` (or finds the key's job), runs `onCreated` for a job this
 * call created or one not sent yet, then sends the job unless it was sent before or has left `queued`.
 */
export async function takeInJob(
  draft: JobDraft,
  key: RequestKey,
  deps: IntakeDeps,
  onCreated?: (job: Job) => Promise<unknown>,
): Promise<Intake> {
  const written = await writeJob(draft, key, deps);
  // Also for a repeat of a request never sent: its first attempt may have failed in `onCreated`
  // (which is idempotent), and the repeat is the only chance to finish it.
  if (written.created || (!written.job.enqueued_at && written.job.status === "queued"))
    await onCreated?.(written.job);
  return { ...written, enqueued: await sendJob(written.job, deps) };
}

/** The first half of `takeInJob`: a new queued (or held) job under `key`, or the job the key already has. */
export function writeJob(
  draft: JobDraft,
  key: RequestKey,
  deps: IntakeDeps,
): Promise<{ job: Job; created: boolean }> {
  const at = deps.clock.now().toISOString();
  const { email, user_id, ticket, held, ...rest } = draft;
  const job: Job = {
    job_id: deps.newJobId?.() ?? randomUUID(),
    status: held ? "held" : "queued",
    ...(held ? { held_reason: held.reason } : {}),
    ...(email ? { email } : {}),
    ...(user_id ? { user_id } : {}),
    ...(ticket ? { ticket } : {}),
    steps: [],
    created_at: at,
    updated_at: at,
    progress: {},
    ...rest,
  };
  return deps.jobs.create(job, key);
}

/**
 * Sends a written job that has not been sent yet, and records the send; a job that left `queued`
 * before it was ever sent (cancelled) is only recorded, which takes it off the unsent list. A held
 * job is neither sent nor recorded: its release sends it.
 * Answers whether a message was sent. A duplicate send is harmless: the worker runs a job once.
 */
export async function sendJob(job: Job, deps: Omit<IntakeDeps, "newJobId">): Promise<boolean> {
  if (job.enqueued_at || job.status === "held") return false;
  const send = job.status === "queued";
  if (send) await deps.queue.enqueue(job.job_id, deps.kinds.laneOf(job.kind));
  await deps.jobs.markEnqueued(job.job_id, deps.clock.now().toISOString());
  return send;
}
