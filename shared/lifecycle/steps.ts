/**
 * The step machine every job kind runs on. Each step is recorded as "started" before it changes
 * anything in Dialpad and with its outcome after, so a redelivered message skips finished steps and
 * knows which step may have been interrupted half-way (`resumed`) and must verify before acting.
 * The records are written when that rule needs them, not one write per mark: the outcomes of the
 * steps so far and the "started" of the current one go together in one write just before its
 * first Dialpad change (a read changes nothing), before a checkpoint, when a step fails and when the
 * run stops; the last outcomes go with the job's end (`RunJobDeps` → `JobStore.finish`). A crash
 * before such a write redoes steps that changed nothing, or that are marked "started" and so verify.
 *
 * Steps hand data on through the job's typed progress record (progress.ts): a step declares the
 * fields it `reads` (the runner checks an earlier step produced them) and returns the ones it
 * `produces`, which are stored together with its outcome.
 */
import type { NumberParkingTarget } from "../config";
import type { DialpadApi } from "../dialpad/api";
import { JobCancelled, JobFailure, permanentFailureOf, publicMessageOf } from "./failures";
import type { Job, JobStep, StepStatus } from "./model";
import type { OfficeDirectory } from "./office-directory";
import type { Clock, JobRuns, PersonJobNotes, PersonReads, PersonWrites, StepsUpdate } from "./ports";
import type { SeatReadings } from "./seat-readings";

export interface LifecycleSettings {
  retentionDays: number;
  /** NUMBER_PARKING_TARGET: where the delete job moves the numbers still on a user. */
  numberParkingTarget: NumberParkingTarget;
  /** NUMBERS_ON_DELETE: `release` gives the numbers up instead of parking them. */
  numbersOnDelete: "park" | "release";
  /** REQUIRE_DELETION_APPROVAL: the delete job also refuses to delete a person nobody approved. */
  requireDeletionApproval?: boolean;
}

export interface StepDeps {
  dialpad: DialpadApi;
  /** The person's record and its notes of jobs (no lease: the run holds it, not the steps). */
  people: PersonReads & PersonWrites & PersonJobNotes;
  offices: OfficeDirectory;
  /** Shared readings of offices' free seats (the seat checks of onboardings, moves and licence changes). */
  seats: SeatReadings;
  clock: Clock;
  settings: LifecycleSettings;
  /** Told the seats left whenever a job checks them (the SeatsLeft metric and its alarm). */
  onSeatsChecked?: (seats: { officeId: string; line: string; left: number }) => void;
}

export type ProgressOf<J extends Job> = J["progress"];

/** Who made a change a job records in a person's history: the worker, for the job's client and ticket. */
export const byWorkerFor = (job: Job) => ({
  source: "worker" as const,
  job_id: job.job_id,
  client: job.client,
  ...(job.ticket ? { ticket: job.ticket } : {}),
});

/** The progress a step sees: everything produced so far, the fields it reads guaranteed present. */
export type StepProgress<J extends Job, R extends keyof ProgressOf<J>> = Readonly<
  ProgressOf<J> & Required<Pick<ProgressOf<J>, R>>
>;

export interface StepContext<J extends Job, R extends keyof ProgressOf<J> = never> {
  job: J;
  progress: StepProgress<J, R>;
  /** True when an earlier attempt started this step and did not record its outcome. */
  resumed: boolean;
  deps: StepDeps;
  /**
   * Stores part of a long step's outputs while it still runs (e.g. import's cursor after each
   * page), so a resumed attempt carries on from there; `detail` shows the progress in the job.
   */
  checkpoint(produces: Partial<ProgressOf<J>>, detail: string): Promise<void>;
}

export interface StepOutcome<J extends Job> {
  status: Extract<StepStatus, "succeeded" | "skipped">;
  detail?: string;
  produces?: Partial<ProgressOf<J>>;
  /**
   * "finish_job": nothing after this step is needed (e.g. the user was already deleted); the steps
   * after it are recorded as skipped and the job succeeds.
   */
  next?: "continue" | "finish_job";
}

export interface Step<J extends Job> {
  readonly name: string;
  /** Progress fields this step needs from the steps before it. */
  readonly reads: readonly (keyof ProgressOf<J>)[];
  run(context: StepContext<J, never>): Promise<StepOutcome<J>>;
}

/**
 * Defines a step of job type `J` (curried so the fields it reads are inferred):
 * `defineStep<OnboardJob>()({ name, reads: ["user_id"], run: ({ progress }) => ... progress.user_id ... })`.
 */
export const defineStep =
  <J extends Job>() =>
  <const R extends keyof ProgressOf<J> = never>(step: {
    name: string;
    reads?: readonly R[];
    run(context: StepContext<J, R>): Promise<StepOutcome<J>>;
  }): Step<J> => ({
    name: step.name,
    reads: step.reads ?? [],
    run: step.run as Step<J>["run"],
  });

const FINISHED = new Set<StepStatus>(["succeeded", "skipped"]);

/** The run executing the steps: its token (every write names it) and when it must stop. */
export interface StepRun {
  jobs: Pick<JobRuns, "recordSteps">;
  runId: string;
  /** Asked before each step: true when too little time is left to start one. */
  outOfTime?: () => boolean;
}

/** The Dialpad calls that change nothing: a step may make them before its "started" is stored. */
const DIALPAD_READS = new Set<string>([
  "findUsersByEmail",
  "getUser",
  "listUsers",
  "listUsersPage",
  "listOffices",
  "getOffice",
  "getAvailableLicenses",
  "listCallCenters",
  "getCallCenter",
  "listDepartments",
  "getDepartment",
  "listOperators",
] satisfies (keyof DialpadApi)[]);

/** The client a step is given: any call not known to be a read first waits for `beforeChange`. */
function storingBeforeChanges(dialpad: DialpadApi, beforeChange: () => Promise<void>): DialpadApi {
  return new Proxy(dialpad, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && DIALPAD_READS.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        await beforeChange();
        return value.apply(target, args);
      };
    },
  });
}

/** How the steps ended: paused between two steps, or finished with the records still to store. */
export type StepsEnd = { end: "paused" } | { end: "finished"; unsaved?: StepsUpdate };

/**
 * Runs the steps not yet finished. Answers "paused" when the run stopped between two steps for lack
 * of time (nothing left half-done, everything stored), "finished" when no step is left, with the
 * records not stored yet (`unsaved`, to be stored with the job's end). Throws what a step throws,
 * after storing its record.
 */
export async function runSteps<J extends Job>(
  job: J,
  steps: readonly Step<J>[],
  deps: StepDeps,
  run: StepRun,
): Promise<StepsEnd> {
  const progress: ProgressOf<J> = { ...job.progress };
  const recorded: JobStep[] = [...job.steps];
  const stamp = (name: string, status: StepStatus, detail?: string): JobStep => ({
    name,
    status,
    at: deps.clock.now().toISOString(),
    ...(detail ? { detail } : {}),
  });
  /** What is recorded here but not yet stored: the time of the last mark and the outputs since. */
  let unsaved: { at: string; produced: Partial<ProgressOf<J>> } | undefined;
  const mark = (index: number, step: JobStep, produced?: Partial<ProgressOf<J>>) => {
    recorded[index] = step;
    unsaved = { at: step.at, produced: { ...unsaved?.produced, ...produced } };
  };
  /** After a failed write: its outputs stay due, with any recorded meanwhile, for the next one. */
  const keepDue = (taken: NonNullable<typeof unsaved>) => {
    unsaved = { at: unsaved?.at ?? taken.at, produced: { ...taken.produced, ...unsaved?.produced } };
  };
  const pending = (): StepsUpdate | undefined => {
    if (!unsaved) return undefined;
    const produced = Object.entries(unsaved.produced).filter(([, value]) => value !== undefined);
    return {
      steps: [...recorded],
      at: unsaved.at,
      ...(produced.length > 0 ? { produced: Object.fromEntries(produced) } : {}),
    };
  };
  // One write at a time, in order: two changes a step makes together both wait for the one write.
  // A failed write fails its callers only; the next write is tried afresh.
  let storing: Promise<void> = Promise.resolve();
  const store = (): Promise<void> => {
    storing = storing
      .catch(() => undefined)
      .then(async () => {
        const update = pending();
        const taken = unsaved;
        unsaved = undefined;
        if (!update || !taken) return;
        try {
          await run.jobs.recordSteps(job.job_id, run.runId, update);
        } catch (error) {
          keepDue(taken);
          throw error;
        }
      });
    return storing;
  };
  const guarded: StepDeps = { ...deps, dialpad: storingBeforeChanges(deps.dialpad, store) };

  for (const [index, step] of steps.entries()) {
    const previous = recorded[index];
    if (previous?.name === step.name && FINISHED.has(previous.status)) continue;
    if (run.outOfTime?.()) {
      await store();
      return { end: "paused" };
    }
    const resumed = previous?.name === step.name && previous.status === "started";
    const missing = step.reads.filter((field) => progress[field] === undefined);
    if (missing.length > 0)
      throw new JobFailure(
        "internal_error",
        `Step ${step.name} needs ${missing.join(", ")}, which no earlier step produced.`,
      );
    if (!resumed) mark(index, stamp(step.name, "started"));
    let outcome: StepOutcome<J>;
    try {
      const checkpoint = async (produces: Partial<ProgressOf<J>>, detail: string) => {
        Object.assign(progress, produces);
        mark(index, stamp(step.name, "started", detail), produces);
        await store();
      };
      outcome = await step.run({ job, progress, resumed, deps: guarded, checkpoint });
    } catch (error) {
      // The one place a failure reaches a step's detail: never an internal error's text.
      const message = publicMessageOf(error);
      mark(
        index,
        error instanceof JobCancelled
          ? stamp(step.name, "skipped", message)
          : permanentFailureOf(error)
            ? stamp(step.name, "failed", message)
            : stamp(step.name, "started", `attempt failed, will retry: ${message}`),
      );
      await store();
      throw error;
    }
    Object.assign(progress, outcome.produces);
    const finished = stamp(step.name, outcome.status, outcome.detail);
    if (outcome.next === "finish_job")
      for (const [later, laterStep] of steps.entries())
        if (later > index)
          recorded[later] = stamp(laterStep.name, "skipped", `not needed: ${outcome.detail ?? step.name}`);
    mark(index, finished, outcome.produces);
    if (outcome.next === "finish_job") break;
  }
  await storing;
  const update = pending();
  return update ? { end: "finished", unsaved: update } : { end: "finished" };
}
