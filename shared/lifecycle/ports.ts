/**
 * The ports the lifecycle use cases depend on. Adapters live in shared/store (DynamoDB), shared/queue
 * (SQS) and shared/dialpad (the Dialpad client); tests inject the same adapters against local engines.
 */
import type { SuspensionCondition } from "./lifecycle-policy";
import type { HistoryEntry, Job, JobError, JobKind, JobStatus, JobStep, Person, PersonState } from "./model";

/** A queue and its share of the Dialpad budget; each job kind names its own (job-kind.ts). */
export type Lane = "urgent" | "bulk";

export interface RequestKey {
  key: string;
  bodyHash: string;
  /**
   * How long the key answers repeats, from the job's creation; absent: as long as the longest
   * retention (the store's default). A key made from a body hash lives a day only.
   */
  ttlSeconds?: number;
}

export type JobOutcome =
  | { status: "succeeded" }
  | { status: "failed"; error: JobError }
  | { status: "cancelled"; reason: string };

/** Any kind's progress record: the union of the fields the store may be asked to merge. */
export type JobProgress = Job["progress"];

export interface RunClaim {
  runId: string;
  at: string;
  nowMs: number;
  /** How long the token protects the run if it dies without giving it back. */
  ttlMs: number;
}

/**
 * How a run of a job ended, one vocabulary for the step runner, the run and the worker: finished
 * (the job ended, or no step is left), busy (another job of the person, or another run of this job,
 * holds it: try later), paused (stopped for lack of time: resume later), ignored (nothing to do).
 */
export type RunEnd = "finished" | "busy" | "paused" | "ignored";

/** The claim of a job for one run: started, busy (another run holds it) or ended (the job is terminal). */
export type StartRun = { outcome: "started"; job: Job } | { outcome: "busy" } | { outcome: "ended" };

export interface StepsUpdate {
  steps: readonly JobStep[];
  /** When the change happened (the job's updated_at). */
  at: string;
  /** The outputs of the steps finished since the last write, merged into the job's progress. */
  produced?: Partial<JobProgress>;
}

/** One page of a list, newest first; `nextCursor` (opaque) asks for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  /** A `nextCursor` this list gave; anything else is refused (InvalidInput `invalid_cursor`). */
  cursor?: string;
}

export interface JobFilter {
  status?: JobStatus;
  kind?: JobKind;
  email?: string;
  ticket?: { system: string; id: string };
  /** Created at or after (ISO 8601). */
  since?: string;
}

export interface PersonFilter {
  state?: PersonState;
  /** pending: on the retention list; awaiting_approval: pending without the approval it needs; held: under a legal hold. */
  deletion?: "pending" | "awaiting_approval" | "held";
}

/** Reading jobs: one by id, and the filtered lists. */
export interface JobReads {
  get(jobId: string): Promise<Job | undefined>;
  /** Jobs newest first, filtered, one page at a time (from indexes, never a Scan). */
  list(filter: JobFilter, page: PageRequest): Promise<Page<Job>>;
}

/** Intake: a new job with its request key, and the record that its message reached the queue. */
export interface JobIntake {
  /**
   * Creates the job and its request-key item together. When the key exists with the same body hash,
   * answers the existing job (`created: false`); with another body, throws IdempotencyConflict. A
   * key past its `ttlSeconds` (at the new job's `created_at`) counts as absent.
   */
  create(job: Job, key: RequestKey): Promise<{ job: Job; created: boolean }>;
  markEnqueued(jobId: string, at: string): Promise<void>;
}

/** The sweeper's outbox: jobs whose message never reached the queue. */
export interface UnsentJobs {
  /** Jobs created before `createdBefore` whose message never reached the queue, page by page (never a held job). */
  listUnsent(createdBefore: string): AsyncIterable<Job[]>;
}

/** One run of a job: its token, its steps as they stand, what it learnt, and its end. */
export interface JobRuns {
  /**
   * Claims the job for one run (queued|running → running, with `run.runId` as its run token):
   * `started` with the job, `busy` while another run's token is held and not expired, `ended`
   * when the job is terminal (e.g. cancelled) or missing. Every later write of the run names the
   * token, so two deliveries of one job never execute steps concurrently.
   */
  startRun(jobId: string, run: RunClaim): Promise<StartRun>;
  /** Gives the run token back (the job stays running, to be resumed); a no-op if not held. */
  endRun(jobId: string, runId: string): Promise<void>;
  /**
   * Records the job's steps as they now stand (a step's "started" is later overwritten by its
   * outcome) and merges a step's outputs into `progress`; a `user_id` output also becomes the
   * job's `user_id`. Only while the job is running under `runId`; else throws RunSuperseded.
   */
  recordSteps(jobId: string, runId: string, update: StepsUpdate): Promise<void>;
  /** Sets fields learnt while running (e.g. the email of an offboard requested by user id). */
  setIdentity(jobId: string, identity: { email?: string; user_id?: string }): Promise<void>;
  /**
   * Ends a queued or running job and drops its run token. With `runId`, only while that run holds
   * the job (else RunSuperseded); without, only while no run holds it. Throws when the job already ended.
   * `steps`: the run's last step records, stored in the same write as by `recordSteps`. Answers the
   * job as it ended.
   */
  finish(jobId: string, at: string, outcome: JobOutcome, runId?: string, steps?: StepsUpdate): Promise<Job>;
}

/** Ending or releasing a job before it runs (a decision, or an offboard overtaking an onboard). */
export interface JobDecisions {
  /** queued → cancelled; answers false when the job already left `queued`. */
  cancelIfQueued(jobId: string, at: string, reason: string): Promise<boolean>;
  /** held or queued (never started) → cancelled; answers false when the job is in another status. */
  cancelBeforeRun(jobId: string, at: string, reason: string): Promise<boolean>;
  /**
   * held → queued, recording who released it; the job is listed as unsent again until its send is
   * recorded. Answers the released job, or undefined when the job is not held (or missing).
   */
  releaseHeld(jobId: string, at: string, releasedBy: string): Promise<Job | undefined>;
}

/**
 * Every job port: what DynamoJobStore and the unit tests' in-memory store implement, and what the
 * composition roots hand out. A use case names only the small ports above that it calls.
 */
export interface JobStore extends JobReads, JobIntake, UnsentJobs, JobRuns, JobDecisions {}

export interface PersonChange {
  set: Partial<Omit<Person, "email">>;
  /** Fields to clear, e.g. delete_after when a user is reactivated by hand. */
  remove?: (keyof Person)[];
  history: HistoryEntry;
  /** A stable id for the history entry so a retried write never records it twice. */
  historyId: string;
}

/** A person's record, by email or by Dialpad user id. */
export interface PersonReads {
  get(email: string): Promise<Person | undefined>;
  findByUserId(userId: string): Promise<Person | undefined>;
}

/** A person's record with its history (the API's person view, the retention decisions). */
export interface PersonHistory {
  getWithHistory(email: string): Promise<{ person: Person; history: HistoryEntry[] } | undefined>;
}

/** The lists of people. */
export interface PersonList {
  /**
   * People, filtered, one page at a time: by `updated_at` newest first, deletion lists by deadline
   * soonest first. `requireApproval` is the service-wide REQUIRE_DELETION_APPROVAL.
   */
  list(filter: PersonFilter & { requireApproval: boolean }, page: PageRequest): Promise<Page<Person>>;
}

/** Changes to a person's record, each with its history entry. */
export interface PersonWrites {
  /** Applies a change and its history entry atomically (creates the record if needed). */
  apply(email: string, change: PersonChange): Promise<void>;
  /**
   * Creates the record with its first history entry unless a record of the email exists (an
   * import must not overwrite what a job recorded meanwhile). True when this call created it.
   */
  recordNew(email: string, change: PersonChange): Promise<boolean>;
  /**
   * Moves the record and its whole history from `oldEmail` to `newEmail` (an email change), adding
   * `change`'s history entry. Afterwards `oldEmail` has no record (404); its lease, if any, stays
   * where the running job will release it. Repeating a finished move changes nothing.
   */
  rekey(oldEmail: string, newEmail: string, change: PersonChange): Promise<void>;
}

/** Writes that hold only while a suspension is unchanged (a deletion approval). */
export interface SuspensionWrites {
  /**
   * Applies the change only while the record is still in the suspension `condition` names: state
   * suspended, the same `suspended_at`, a `delete_after` at or after the given one (absent ones
   * must still be absent). False when it is not (nothing written); true when applied, or when this
   * history id was applied before.
   */
  applyWithinSuspension(
    email: string,
    change: PersonChange,
    condition: SuspensionCondition,
  ): Promise<boolean>;
}

/** The per-person lease: one job (or webhook event) at a time. */
export interface PersonLease {
  /** Per-person lease: one job at a time. True when `jobId` now holds it. */
  acquireLease(email: string, jobId: string, nowMs: number, ttlMs: number): Promise<boolean>;
  releaseLease(email: string, jobId: string): Promise<void>;
}

/** The notes a person's record keeps of its jobs: the open onboard, the sweeper's delete job. */
export interface PersonJobNotes {
  /** Remembers the person's latest onboarding job so an offboard can cancel it while it is queued. */
  noteOnboardJob(email: string, jobId: string): Promise<void>;
  openOnboardJob(email: string): Promise<string | undefined>;
  /** Delete job `jobId` stopped without deleting: forget the sweeper's note of it, so a later sweep may make another. */
  forgetDeleteJob(email: string, jobId: string): Promise<void>;
}

/**
 * Every person port: what DynamoPersonStore and the unit tests' in-memory store implement, and what
 * the composition roots hand out. A use case names only the small ports above that it calls.
 */
export interface PersonStore
  extends PersonReads,
    PersonHistory,
    PersonList,
    PersonWrites,
    SuspensionWrites,
    PersonLease,
    PersonJobNotes {}

export interface JobQueue {
  enqueue(jobId: string, lane: Lane, delaySeconds?: number): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
