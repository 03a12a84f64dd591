/**
 * What a job kind is: one module per kind (onboard.ts, offboard.ts ...) defines everything the kind
 * does, at intake, before its steps and in them, with `defineJobKind`; job-kinds.ts lists the kinds.
 * Intake (submit-job.ts, job-intake.ts) and the run (run-job.ts) call these hooks instead of asking
 * which kind a job is, and take the registry as a dependency, so a test can run a kind of its own.
 */
import type * as z from "zod";
import type { DialpadApi } from "../dialpad/api";
import { JobFailure } from "./failures";
import type { GuardDecision, MassChangeSettings } from "./mass-change-guard";
import type { Job, JobKind, JobOf } from "./model";
import type {
  Clock,
  JobDecisions,
  JobRuns,
  Lane,
  PersonJobNotes,
  PersonReads,
  PersonWrites,
  RequestKey,
} from "./ports";
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

/** Who asks for a job, as intake knows it (the client registry's entry, through its principal). */
export interface Caller {
  client: string;
  idempotencyKey: string | undefined;
  scopes: readonly string[];
  /** The client registry entry's `mass_offboard_limit` (0 = off), when it has one. */
  massOffboardLimit?: number | undefined;
}

/** What a kind's `hold` may use: the mass-change guard's count and settings (absent: never held). */
export interface HoldDeps extends Pick<IntakeHookDeps, "clock"> {
  massChange?: MassChangeSettings | undefined;
}

/** Whether intake holds the job; `uncount` takes back what deciding counted, for a repeat of a request. */
export type HoldDecision = GuardDecision;

export interface RunHookDeps extends IntakeHookDeps {
  jobs: JobDecisions & Pick<JobRuns, "setIdentity">;
  /** The Dialpad client of the kind's lane. */
  dialpad: DialpadApi;
}

export interface JobKindDefinition<K extends JobKind = JobKind> {
  kind: K;
  /** The queue and the share of the Dialpad budget its jobs run on: urgent work never waits behind bulk work. */
  lane: Lane;
  /** Its jobs take people away: each finished one counts in OffboardsAndDeletions per client (metrics.ts). */
  removesPeople?: boolean;
  /** The stored progress record's schema, parsed whenever a job is loaded. */
  progress: z.ZodType<JobOf<K>["progress"]>;
  steps: readonly Step<JobOf<K>>[];
  /**
   * The request body's schema (requests.ts): the kind's API route and the SCIM front validate with
   * it, so a bad field answers the same everywhere. Absent for a kind no client asks for (delete:
   * the sweeper makes those).
   */
  requestSchema?: z.ZodType<JobOf<K>["request"]>;
  /**
   * Intake, before anything is written: what the request asks that needs the `admin` scope beyond
   * its route's scope (the refusal's wording, lifecycle-policy.ts `requestNeedsAdmin`). Default: nothing.
   */
  adminAsk?(request: JobOf<K>["request"], settings: { retentionDays: number }): string | undefined;
  /**
   * Intake, before the job is written: whether it waits held for an approval (the offboard's
   * mass-change guard). A repeat of an accepted request calls `uncount`: it counts nothing.
   * Default: never held.
   */
  hold?(
    request: JobOf<K>["request"],
    asked: { caller: Caller; key: RequestKey },
    deps: HoldDeps,
  ): Promise<HoldDecision>;
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
  removesPeople(kind: JobKind): boolean;
  /** A stored job's progress, checked against its kind's schema (throws on a record that does not fit). */
  parseProgress<K extends JobKind>(kind: K, stored: unknown): JobOf<K>["progress"];
  /** The kind's request schema (throws for a kind without one). */
  requestSchemaOf<K extends JobKind>(kind: K): z.ZodType<JobOf<K>["request"]>;
  subjectOf(draft: Pick<Job, "kind" | "request">, deps: Pick<IntakeHookDeps, "people">): Promise<JobSubject>;
  adminAskOf(draft: Pick<Job, "kind" | "request">, settings: { retentionDays: number }): string | undefined;
  holdOf(
    draft: Pick<Job, "kind" | "request">,
    asked: { caller: Caller; key: RequestKey },
    deps: HoldDeps,
  ): Promise<HoldDecision>;
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
    removesPeople: (kind) => of(kind).removesPeople === true,
    parseProgress: (kind, stored) => of(kind).progress.parse(stored ?? {}),
    subjectOf: async (draft, deps) => {
      const subject = of(draft.kind).subject;
      if (subject) return subject(draft.request, deps);
      const email = (draft.request as { email?: unknown }).email;
      return typeof email === "string" ? { email } : {};
    },
    requestSchemaOf: (kind) => {
      const schema = of(kind).requestSchema;
      if (!schema) throw new Error(`Job kind ${kind} takes no request from a client.`);
      return schema;
    },
    adminAskOf: (draft, settings) => of(draft.kind).adminAsk?.(draft.request, settings),
    holdOf: async (draft, asked, deps) => {
      const hold = of(draft.kind).hold;
      return hold ? hold(draft.request, asked, deps) : { held: false };
    },
    leaseKeyOf: async (job, deps) => {
      const leaseKey = of(job.kind).leaseKey;
      if (leaseKey) return leaseKey(job, deps);
      if (job.email) return job.email;
      throw new JobFailure("internal_error", `${job.kind} job ${job.job_id} has no email`);
    },
  };
}
