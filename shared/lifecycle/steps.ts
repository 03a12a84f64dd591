/**
 * The step machine every job kind runs on. Each step is recorded as "started" before it touches
 * Dialpad and with its outcome after, so a redelivered message skips finished steps and knows
 * which step may have been interrupted half-way (`resumed`) and must verify before acting.
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
import type { Clock, JobStore, PersonStore, RunEnd } from "./ports";
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
  people: PersonStore;
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
  jobs: JobStore;
  runId: string;
  /** Asked before each step: true when too little time is left to start one. */
  outOfTime?: () => boolean;
}

/**
 * Runs the steps not yet finished, persisting after each. Answers "paused" when the run stopped
 * between two steps for lack of time (nothing left half-done), "finished" when no step is left.
 * Throws what a step throws.
 */
export async function runSteps<J extends Job>(
  job: J,
  steps: readonly Step<J>[],
  deps: StepDeps,
  run: StepRun,
): Promise<Extract<RunEnd, "finished" | "paused">> {
  const progress: ProgressOf<J> = { ...job.progress };
  const recorded: JobStep[] = [...job.steps];
  const stamp = (name: string, status: StepStatus, detail?: string): JobStep => ({
    name,
    status,
    at: deps.clock.now().toISOString(),
    ...(detail ? { detail } : {}),
  });
  const record = (index: number, step: JobStep, produced?: Partial<ProgressOf<J>>) => {
    recorded[index] = step;
    return run.jobs.recordSteps(job.job_id, run.runId, {
      steps: recorded,
      at: step.at,
      ...(produced ? { produced } : {}),
    });
  };

  for (const [index, step] of steps.entries()) {
    const previous = recorded[index];
    if (previous?.name === step.name && FINISHED.has(previous.status)) continue;
    if (run.outOfTime?.()) return "paused";
    const resumed = previous?.name === step.name && previous.status === "started";
    const missing = step.reads.filter((field) => progress[field] === undefined);
    if (missing.length > 0)
      throw new JobFailure(
        "internal_error",
        `Step ${step.name} needs ${missing.join(", ")}, which no earlier step produced.`,
      );
    if (!resumed) await record(index, stamp(step.name, "started"));
    let outcome: StepOutcome<J>;
    try {
      const checkpoint = async (produces: Partial<ProgressOf<J>>, detail: string) => {
        Object.assign(progress, produces);
        await record(index, stamp(step.name, "started", detail), produces);
      };
      outcome = await step.run({ job, progress, resumed, deps, checkpoint });
    } catch (error) {
      // The one place a failure reaches a step's detail: never an internal error's text.
      const message = publicMessageOf(error);
      await record(
        index,
        error instanceof JobCancelled
          ? stamp(step.name, "skipped", message)
          : permanentFailureOf(error)
            ? stamp(step.name, "failed", message)
            : stamp(step.name, "started", `attempt failed, will retry: ${message}`),
      );
      throw error;
    }
    Object.assign(progress, outcome.produces);
    const finished = stamp(step.name, outcome.status, outcome.detail);
    if (outcome.next === "finish_job")
      for (const [later, laterStep] of steps.entries())
        if (later > index)
          recorded[later] = stamp(laterStep.name, "skipped", `not needed: ${outcome.detail ?? step.name}`);
    await record(index, finished, outcome.produces);
    if (outcome.next === "finish_job") return "finished";
  }
  return "finished";
}
