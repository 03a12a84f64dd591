/**
 * What a job kind is: one module per kind (onboard.ts, offboard.ts ...) defines everything the kind
 * does, at intake, before its steps and in them, with `defineJobKind`; job-kinds.ts lists the kinds.
 * Intake (submit-job.ts, job-intake.ts) and the run (run-job.ts) call these hooks instead of asking
 * which kind a job is, and take the registry as a dependency, so a test can run a kind of its own.
 */
import type * as z from "zod";
import type { DialpadApi } from "../dialpad/api";
import { JobFailure } from "./failures";
import type { Job, JobKind, JobOf } from "./model";
import type { Clock, JobDecisions, JobRuns, Lane, PersonJobNotes, PersonReads, PersonWrites } from "./ports";
import type { Step } from "./steps";

/** Whom a new job is about, as far as intake knows (an offboard by user id may not know the email yet). */
export interface JobSubject {
  email?: string | undefined;
  user_id?: string | undefined;
}

/** What a kind's hooks may touch: the person's record and notes, and the person's other jobs. */
export interface IntakeHookDeps {
  people: PersonReads & PersonWrites & PersonJobNotes;
  jobs: JobDecisions;
  clock: Clock;
}

export interface RunHookDeps extends IntakeHookDeps {
  jobs: JobDecisions & Pick<JobRuns, "setIdentity">;
  /** The Dialpad client of the kind's lane. */
  dialpad: DialpadApi;
}

export interface JobKindDefinition<K extends JobKind = JobKind> {
  kind: K;
  /** The queue and the share of the Dialpad budget its jobs run on: urgent work never waits behind bulk work. */
  lane: Lane;
  /** The stored progress record's schema, parsed whenever a job is loaded. */
  progress: z.ZodType<JobOf<K>["progress"]>;
  steps: readonly Step<JobOf<K>>[];
  /** Intake: whom the job is about. Default: the request's `email`. */
  subject?(request: JobOf<K>["request"], deps: Pick<IntakeHookDeps, "people">): Promise<JobSubject>;
  /**
   * Intake, before anything is written: the email addresses the request would give a person, by
   * request field (checked against ALLOWED_EMAIL_DOMAINS, intake-policy.ts). Default: none.
   */
  newAddresses?(request: JobOf<K>["request"]): [field: string, address: string][];
  /** Intake, once, for a job this request created (not for a repeat of the request). */
  onAccepted?(job: JobOf<K>, deps: IntakeHookDeps): Promise<void>;
  /**
   * Run: the key of the lease that keeps one job at a time per person. Default: the job's email
   * (a job without one fails as an internal error).
   */
  leaseKey?(job: JobOf<K>, deps: RunHookDeps): Promise<string>;
  /** Run: after the lease and the run token are held, before the first remaining step. */
  beforeSteps?(job: JobOf<K>, leaseKey: string, deps: RunHookDeps): Promise<void>;
}

/** A kind's definition, typed by its own kind (the fields that mention `K` are checked against each other). */
export const defineJobKind = <K extends JobKind>(definition: JobKindDefinition<K>): JobKindDefinition<K> =>
  definition;

/** The kinds a service runs: what intake, the run, the store, the API and the stack ask about a kind. */
export interface JobKindRegistry {
  readonly kinds: readonly JobKind[];
  of<K extends JobKind>(kind: K): JobKindDefinition<K>;
  laneOf(kind: JobKind): Lane;
  /** A stored job's progress, checked against its kind's schema (throws on a record that does not fit). */
  parseProgress<K extends JobKind>(kind: K, stored: unknown): JobOf<K>["progress"];
  subjectOf(draft: Pick<Job, "kind" | "request">, deps: Pick<IntakeHookDeps, "people">): Promise<JobSubject>;
  leaseKeyOf(job: Job, deps: RunHookDeps): Promise<string>;
}

/** What a job store needs of the kinds: each one's progress schema. */
export type ProgressParser = Pick<JobKindRegistry, "parseProgress">;

/**
 * For readers that never look at a job's progress (the notifier's job views and callbacks): passes
 * the stored progress on unchecked, so such a function carries no kind's steps.
 */
export const PROGRESS_UNREAD: ProgressParser = {
  parseProgress: <K extends JobKind>(_kind: K, stored: unknown) => (stored ?? {}) as JobOf<K>["progress"],
};

// One entry per kind, each typed by its own kind: the registry reads them through this loose shape.
// biome-ignore lint/suspicious/noExplicitAny: a list of definitions of different kinds
type AnyJobKindDefinition = JobKindDefinition<any>;

export function jobKindRegistry(definitions: readonly AnyJobKindDefinition[]): JobKindRegistry {
  const byKind = new Map<string, AnyJobKindDefinition>();
  for (const definition of definitions) {
    if (byKind.has(definition.kind)) throw new Error(`Job kind ${definition.kind} is listed twice.`);
    byKind.set(definition.kind, definition);
  }
  const of = <K extends JobKind>(kind: K): JobKindDefinition<K> => {
    const definition = byKind.get(kind);
    if (!definition) throw new Error(`Unknown job kind ${kind}.`);
    return definition;
  };
  return {
    kinds: definitions.map((definition) => definition.kind),
    of,
    laneOf: (kind) => of(kind).lane,
    parseProgress: (kind, stored) => of(kind).progress.parse(stored ?? {}),
    subjectOf: async (draft, deps) => {
      const subject = of(draft.kind).subject;
      if (subject) return subject(draft.request, deps);
      const email = (draft.request as { email?: unknown }).email;
      return typeof email === "string" ? { email } : {};
    },
    leaseKeyOf: async (job, deps) => {
      const leaseKey = of(job.kind).leaseKey;
      if (leaseKey) return leaseKey(job, deps);
      if (job.email) return job.email;
      throw new JobFailure("internal_error", `${job.kind} job ${job.job_id} has no email`);
    },
  };
}
