/**
 * The step machine every job kind runs on. Each step is recorded as "started" before it touches
 * Dialpad and with its outcome after, so a redelivered message skips finished steps and knows
 * which step may have been interrupted half-way (`resumed`) and must verify before acting.
 */
import type { DialpadApi } from "../dialpad/api";
import { JobCancelled, permanentFailureOf } from "./failures";
import type { Job, JobStep, StepStatus } from "./model";
import type { OfficeDirectory } from "./office-directory";
import type { Clock, JobStore, PersonStore } from "./ports";

export interface LifecycleSettings {
  retentionDays: number;
  keepNumbersOnDelete: boolean;
  /** REQUIRE_DELETION_APPROVAL: the delete job also refuses to delete a person nobody approved. */
  requireDeletionApproval?: boolean;
}

export interface StepDeps {
  dialpad: DialpadApi;
  people: PersonStore;
  offices: OfficeDirectory;
  clock: Clock;
  settings: LifecycleSettings;
  /** Told the seats left whenever an onboarding checks them (the SeatsLeft metric and its alarm). */
  onSeatsChecked?: (seats: { officeId: string; line: string; left: number }) => void;
}

export interface StepContext<J extends Job> {
  job: J;
  /** Outputs of the steps before this one (and of this one, when resumed). */
  progress: Record<string, unknown>;
  /** True when an earlier attempt started this step and did not record its outcome. */
  resumed: boolean;
  deps: StepDeps;
}

export interface StepOutcome {
  status: Extract<StepStatus, "succeeded" | "skipped">;
  detail?: string;
  progress?: Record<string, unknown>;
  /** Ends the job successfully after this step (e.g. the user was already deleted). */
  finishJob?: boolean;
}

export interface Step<J extends Job> {
  name: string;
  run(context: StepContext<J>): Promise<StepOutcome>;
}

/** Runs the steps not yet finished, persisting after each. Throws what a step throws. */
export async function runSteps<J extends Job>(
  job: J,
  steps: readonly Step<J>[],
  deps: StepDeps,
  jobs: JobStore,
): Promise<void> {
  const progress: Record<string, unknown> = { ...job.progress };
  for (const [index, step] of steps.entries()) {
    const recorded = job.steps[index];
    if (recorded?.name === step.name && (recorded.status === "succeeded" || recorded.status === "skipped")) {
      if (progress.finished_early === true) return;
      continue;
    }
    const resumed = recorded?.name === step.name && recorded.status === "started";
    const stamp = (status: StepStatus, detail?: string): JobStep => ({
      name: step.name,
      status,
      at: deps.clock.now().toISOString(),
      ...(detail ? { detail } : {}),
    });
    if (!resumed) await jobs.recordStep(job.job_id, index, stamp("started"));
    let outcome: StepOutcome;
    try {
      outcome = await step.run({ job, progress, resumed, deps });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const step =
        error instanceof JobCancelled
          ? stamp("skipped", message)
          : permanentFailureOf(error)
            ? stamp("failed", message)
            : stamp("started", `attempt failed, will retry: ${message}`);
      await jobs.recordStep(job.job_id, index, step);
      throw error;
    }
    const produced = { ...outcome.progress, ...(outcome.finishJob ? { finished_early: true } : {}) };
    Object.assign(progress, produced);
    await jobs.recordStep(job.job_id, index, stamp(outcome.status, outcome.detail), produced);
    if (outcome.finishJob) return;
  }
}
