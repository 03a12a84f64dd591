/**
 * JobStore in memory, with the DynamoDB adapter's contract (test/unit/store-contract.ts runs the
 * same suite against both): job and request key written together, a second body under a key is a
 * conflict, run tokens fence every step write, finished jobs stay finished. Values are copied in
 * and out, as a database would, so a test cannot change stored state by mutating what it read.
 */
import { IdempotencyConflict, RunSuperseded } from "../../../shared/errors/domain-errors";
import type { ProgressParser } from "../../../shared/lifecycle/job-kind";
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import type { Job } from "../../../shared/lifecycle/model";
import type {
  JobFilter,
  JobOutcome,
  JobStore,
  Page,
  PageRequest,
  RequestKey,
  RunClaim,
  StartRun,
  StepsUpdate,
} from "../../../shared/lifecycle/ports";
import { pageOf } from "./memory-page";

/** What DynamoDB throws when a condition does not hold (recognised by shared/store/conditional.ts). */
function conditionFailed(what: string): Error {
  const error = new Error(`The conditional request failed: ${what}`);
  error.name = "ConditionalCheckFailedException";
  return error;
}

interface StoredJob {
  job: Job;
  run?: { id: string; expiresMs: number };
  /** Listed as unsent since then, until its send is recorded; a held job is not listed. */
  unsentSince?: string;
}

const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryJobStore implements JobStore {
  constructor(private readonly kinds: ProgressParser = JOB_KINDS) {}

  private readonly jobs = new Map<string, StoredJob>();
  private readonly keys = new Map<string, { jobId: string; bodyHash: string; expiresMs?: number }>();

  async create(job: Job, key: RequestKey): Promise<{ job: Job; created: boolean }> {
    const createdMs = Date.parse(job.created_at);
    const existing = this.keys.get(key.key);
    // An expired key counts as absent, as in DynamoDB (whatever its TTL sweep has done yet).
    if (existing && (existing.expiresMs === undefined || existing.expiresMs > createdMs)) {
      if (existing.bodyHash !== key.bodyHash) throw new IdempotencyConflict(existing.jobId);
      const found = await this.get(existing.jobId);
      if (!found) throw new Error(`request key points at a missing job ${existing.jobId}`);
      return { job: found, created: false };
    }
    if (this.jobs.has(job.job_id)) throw new Error(`job ${job.job_id} exists`);
    this.keys.set(key.key, {
      jobId: job.job_id,
      bodyHash: key.bodyHash,
      ...(key.ttlSeconds !== undefined ? { expiresMs: createdMs + key.ttlSeconds * 1000 } : {}),
    });
    this.jobs.set(job.job_id, {
      job: copy(job),
      ...(job.status === "held" ? {} : { unsentSince: job.created_at }),
    });
    return { job: copy(job), created: true };
  }

  async get(jobId: string): Promise<Job | undefined> {
    const stored = this.jobs.get(jobId)?.job;
    return (
      stored && ({ ...copy(stored), progress: this.kinds.parseProgress(stored.kind, stored.progress) } as Job)
    );
  }

  async list(filter: JobFilter, page: PageRequest): Promise<Page<Job>> {
    const matching = [...this.jobs.values()]
      .map(({ job }) => job)
      .filter(
        (job) =>
          (!filter.status || job.status === filter.status) &&
          (!filter.kind || job.kind === filter.kind) &&
          (!filter.email || job.email === filter.email) &&
          (!filter.ticket ||
            (job.ticket?.system === filter.ticket.system && job.ticket.id === filter.ticket.id)) &&
          (!filter.since || job.created_at >= filter.since),
      )
      .sort((a, b) => `${b.created_at}#${b.job_id}`.localeCompare(`${a.created_at}#${a.job_id}`));
    const listed = pageOf(matching, page, "jobs");
    return { ...listed, items: listed.items.map(copy) };
  }

  async *listUnsent(createdBefore: string): AsyncIterable<Job[]> {
    const unsent = [...this.jobs.values()]
      .filter(({ unsentSince, job }) => unsentSince && `${unsentSince}#${job.job_id}` < createdBefore)
      .sort((a, b) => `${a.unsentSince}#${a.job.job_id}`.localeCompare(`${b.unsentSince}#${b.job.job_id}`));
    for (let i = 0; i < unsent.length; i += 100) yield unsent.slice(i, i + 100).map(({ job }) => copy(job));
  }

  async markEnqueued(jobId: string, at: string): Promise<void> {
    const stored = this.require(jobId);
    stored.job.enqueued_at ??= at;
    delete stored.unsentSince;
  }

  async startRun(jobId: string, run: RunClaim): Promise<StartRun> {
    const stored = this.jobs.get(jobId);
    if (!stored || (stored.job.status !== "queued" && stored.job.status !== "running"))
      return { outcome: "ended" };
    if (stored.run && stored.run.id !== run.runId && stored.run.expiresMs >= run.nowMs)
      return { outcome: "busy" };
    stored.run = { id: run.runId, expiresMs: run.nowMs + run.ttlMs };
    stored.job.status = "running";
    stored.job.updated_at = run.at;
    return { outcome: "started", job: (await this.get(jobId)) as Job };
  }

  async endRun(jobId: string, runId: string): Promise<void> {
    const stored = this.jobs.get(jobId);
    if (stored?.run?.id === runId) delete stored.run;
  }

  async recordSteps(jobId: string, runId: string, update: StepsUpdate): Promise<void> {
    const stored = this.jobs.get(jobId);
    if (stored?.job.status !== "running" || stored.run?.id !== runId) throw new RunSuperseded(jobId);
    stored.job.updated_at = update.at;
    this.storeSteps(stored.job, update);
  }

  /** As DynamoJobStore's `stepsClauses`: the steps, each output into progress, a learnt user_id. */
  private storeSteps(job: Job, update: StepsUpdate): void {
    job.steps = copy([...update.steps]);
    const produced = Object.entries(update.produced ?? {}).filter(([, value]) => value !== undefined);
    Object.assign(job.progress, copy(Object.fromEntries(produced)));
    const userId = update.produced && "user_id" in update.produced ? update.produced.user_id : undefined;
    if (typeof userId === "string") job.user_id = userId;
  }

  async setIdentity(jobId: string, identity: { email?: string; user_id?: string }): Promise<void> {
    const stored = this.require(jobId);
    if (identity.email !== undefined) stored.job.email = identity.email;
    if (identity.user_id !== undefined) stored.job.user_id = identity.user_id;
  }

  async finish(
    jobId: string,
    at: string,
    outcome: JobOutcome,
    runId?: string,
    steps?: StepsUpdate,
  ): Promise<Job> {
    const stored = this.jobs.get(jobId);
    const open = stored && (stored.job.status === "queued" || stored.job.status === "running");
    const runMatches = runId ? stored?.run?.id === runId : !stored?.run;
    if (!stored || !open || !runMatches) {
      if (runId) throw new RunSuperseded(jobId);
      throw conditionFailed(`job ${jobId} cannot finish`);
    }
    if (steps) this.storeSteps(stored.job, steps);
    stored.job.status = outcome.status;
    stored.job.updated_at = at;
    if (outcome.status === "failed") stored.job.error = copy(outcome.error);
    if (outcome.status === "cancelled") stored.job.cancel_reason = outcome.reason;
    delete stored.run;
    return copy(stored.job);
  }

  cancelIfQueued(jobId: string, at: string, reason: string): Promise<boolean> {
    return this.cancelWhile(["queued"], jobId, at, reason);
  }

  cancelBeforeRun(jobId: string, at: string, reason: string): Promise<boolean> {
    return this.cancelWhile(["held", "queued"], jobId, at, reason);
  }

  async releaseHeld(jobId: string, at: string, releasedBy: string): Promise<Job | undefined> {
    const stored = this.jobs.get(jobId);
    if (stored?.job.status !== "held") return undefined;
    Object.assign(stored.job, { status: "queued", updated_at: at, released_by: releasedBy, released_at: at });
    stored.unsentSince = at;
    return this.get(jobId);
  }

  private async cancelWhile(
    statuses: readonly Job["status"][],
    jobId: string,
    at: string,
    reason: string,
  ): Promise<boolean> {
    const stored = this.jobs.get(jobId);
    if (!stored || !statuses.includes(stored.job.status)) return false;
    stored.job.status = "cancelled";
    stored.job.updated_at = at;
    stored.job.cancel_reason = reason;
    return true;
  }

  /** Test helper: every stored job, as stored. */
  all(): Job[] {
    return [...this.jobs.values()].map(({ job }) => copy(job));
  }

  /** Test helper: whether a run token is held on the job. */
  runHeld(jobId: string): boolean {
    return this.jobs.get(jobId)?.run !== undefined;
  }

  private require(jobId: string): StoredJob {
    const stored = this.jobs.get(jobId);
    if (!stored) throw conditionFailed(`no job ${jobId}`);
    return stored;
  }
}
