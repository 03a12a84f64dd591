/**
 * The table of job kinds: for each, the schema of its progress record (parsed whenever a job is
 * loaded), its steps in order, and the queue lane it runs on. Adding a kind (update, import...) is
 * a request and progress type in model.ts, a progress schema, its steps, and a row here.
 */
import type { z } from "zod";
import { DELETE_STEPS } from "./delete";
import { IMPORT_STEPS } from "./import";
import type { Job, JobKind, JobOf } from "./model";
import { OFFBOARD_STEPS } from "./offboard";
import { ONBOARD_STEPS } from "./onboard";
import type { Lane } from "./ports";
import {
  deleteProgress,
  importProgress,
  offboardProgress,
  onboardProgress,
  updateProgress,
} from "./progress";
import type { Step } from "./steps";
import { UPDATE_STEPS } from "./update";

interface JobKindDefinition<K extends JobKind> {
  progress: z.ZodType<JobOf<K>["progress"]>;
  steps: readonly Step<JobOf<K>>[];
  /** Offboarding and deletion are urgent: they never wait behind a bulk onboarding backlog. */
  lane: Lane;
}

export const JOB_KINDS: { [K in JobKind]: JobKindDefinition<K> } = {
  onboard: { progress: onboardProgress, steps: ONBOARD_STEPS, lane: "bulk" },
  offboard: { progress: offboardProgress, steps: OFFBOARD_STEPS, lane: "urgent" },
  delete: { progress: deleteProgress, steps: DELETE_STEPS, lane: "urgent" },
  // A mover and an import are planned work, like onboarding: neither may delay a leaver.
  update: { progress: updateProgress, steps: UPDATE_STEPS, lane: "bulk" },
  import: { progress: importProgress, steps: IMPORT_STEPS, lane: "bulk" },
};

export const stepsOf = <J extends Job>(job: J) => JOB_KINDS[job.kind].steps as readonly Step<J>[];

/** A stored job's progress, checked against its kind's schema (throws on a record that does not fit). */
export const parseProgress = <K extends JobKind>(kind: K, stored: unknown): JobOf<K>["progress"] =>
  JOB_KINDS[kind].progress.parse(stored ?? {});
