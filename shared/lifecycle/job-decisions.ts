/**
 * An `approve` client's word on a job that has not started: release a job the mass-change guard
 * held (mass-change-guard.ts), or cancel a held or still-queued one. Both are one conditional
 * write, so a release and a cancel, or a cancel and a worker starting the job, never both win.
 * Both are recorded on the job and in the person's history, naming the client.
 *
 * Release is never by the client that submitted the job (403 `self_approval`): the guard exists
 * for a client that may be compromised. Cancel has no such rule: it changes nothing in Dialpad, and
 * a client may withdraw its own mistaken request.
 */
import { NotFound, NotPermitted, StateConflict } from "../errors/domain-errors";
import { type IntakeDeps, sendJob } from "./job-intake";
import type { IntakeHookDeps, JobKindRegistry } from "./job-kind";
import type { Job, Ticket } from "./model";
import type { JobReads, PersonReads, PersonWrites } from "./ports";

export interface JobDecisionDeps extends Omit<IntakeDeps, "newJobId" | "kinds"> {
  /** The job kinds: each names its lane and what accepting a job of it does. */
  kinds: Pick<JobKindRegistry, "laneOf" | "of">;
  people: IntakeHookDeps["people"];
  jobs: IntakeDeps["jobs"] & JobReads & IntakeHookDeps["jobs"];
}

export interface Decider {
  client: string;
  reason?: string | undefined;
  ticket?: Ticket | undefined;
}

/**
 * held → queued, then sent on its lane. Its kind's `onAccepted` runs now, as for a job queued at
 * intake: a released offboard supersedes the person's still-queued onboarding.
 */
export async function releaseJob(jobId: string, by: Decider, deps: JobDecisionDeps): Promise<Job> {
  const job = await requireJob(jobId, deps);
  if (job.client === by.client)
    throw new NotPermitted(
      "A held job is released by another approve client than the one that submitted it.",
      "self_approval",
    );
  const at = deps.clock.now().toISOString();
  const released = await deps.jobs.releaseHeld(jobId, at, by.client);
  if (!released) throw notInStatus(await requireJob(jobId, deps), "released", "not_held", "held");
  await deps.kinds.of(released.kind).onAccepted?.(released as never, deps);
  await recordInHistory(released, "job_released", by, at, deps.people);
  await sendJob(released, deps);
  return requireJob(jobId, deps);
}

/**
 * held or queued → cancelled. A queued job's message later finds it cancelled and does nothing; a
 * held job had none, so one is sent to let the worker announce the end like any other.
 */
export async function cancelJob(jobId: string, by: Decider, deps: JobDecisionDeps): Promise<Job> {
  const job = await requireJob(jobId, deps);
  const at = deps.clock.now().toISOString();
  const reason = `Cancelled by client ${by.client} before it started${by.reason ? `: ${by.reason}` : "."}`;
  if (!(await deps.jobs.cancelBeforeRun(jobId, at, reason)))
    throw notInStatus(await requireJob(jobId, deps), "cancelled", "not_cancellable", "held or queued");
  await recordInHistory(job, "job_cancelled", by, at, deps.people);
  if (job.status === "held") await deps.queue.enqueue(jobId, deps.kinds.laneOf(job.kind));
  return requireJob(jobId, deps);
}

async function requireJob(jobId: string, deps: Pick<JobDecisionDeps, "jobs">): Promise<Job> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new NotFound("job_not_found", "No job has this id.");
  return job;
}

const notInStatus = (job: Job, verb: string, code: string, allowed: string) =>
  new StateConflict(code, `The job is ${job.status}: only a ${allowed} job can be ${verb}.`);

/** The person's history names the decision, when we keep a record of the person. */
async function recordInHistory(
  job: Job,
  action: "job_released" | "job_cancelled",
  by: Decider,
  at: string,
  people: PersonReads & PersonWrites,
): Promise<void> {
  if (!job.email || !(await people.get(job.email))) return;
  await people.apply(job.email, {
    set: { updated_at: at },
    history: {
      at,
      action,
      source: "api",
      job_id: job.job_id,
      client: by.client,
      ...(by.ticket ? { ticket: by.ticket } : {}),
      detail: `${job.kind} job ${job.job_id} (submitted by ${job.client})${by.reason ? `: ${by.reason}` : ""}`,
    },
    historyId: `${action}#${job.job_id}`,
  });
}
