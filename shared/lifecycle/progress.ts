/**
 * What the steps of each job kind hand on to the steps after them, and to a resumed attempt: one
 * typed record per kind, stored on the job and parsed by its schema whenever the job is loaded, so
 * a step reads `progress.user_id` as a string the compiler knows about instead of `String(x)`.
 * Every field is optional: a field exists once the step that produces it has succeeded. A step
 * declares the fields it reads (`reads` in steps.ts) and the runner checks they are there.
 *
 * Field names are the stored names: renaming one strands the jobs in flight, so add, never rename.
 */
import * as z from "zod";
import { NUMBER_TARGET_TYPES } from "../dialpad/schemas";

export const onboardProgress = z
  .object({
    /** resolve_office */
    office_id: z.string(),
    /** find_existing_user: a live user already owning the email. */
    existing_user_id: z.string(),
    existing_state: z.enum(["active", "suspended"]),
    /** check_seats */
    seats_left: z.number(),
    seat_line: z.string(),
    /** create_user: the user this onboarding ends with, and how it got it. */
    user_id: z.string(),
    outcome: z.enum(["created", "adopted", "reactivated"]),
    /** assign_number */
    phone_number: z.string(),
  })
  .partial();
export type OnboardProgress = z.infer<typeof onboardProgress>;

/** A number handoff or parking target, checked and named (number-handoff.ts). */
const resolvedHandoff = z.object({
  to: z.enum(["keep", "release", "user", "department", "call_center", "office"]),
  target_type: z.enum(NUMBER_TARGET_TYPES).optional(),
  target_id: z.string().optional(),
  label: z.string(),
});

export const offboardProgress = z
  .object({
    /** resolve_user */
    user_id: z.string(),
    initial_state: z.string(),
    /** resolve_user: the leaver's numbers then, and where they are to go (checked before any change). */
    numbers: z.array(z.string()),
    handoff: resolvedHandoff,
    /** record_retention */
    delete_after: z.string(),
  })
  .partial();
export type OffboardProgress = z.infer<typeof offboardProgress>;

export const updateProgress = z
  .object({
    /** resolve_user: the user and what it had before the update. */
    user_id: z.string(),
    office_id: z.string(),
    license: z.string(),
    numbers: z.array(z.string()),
    call_center_ids: z.array(z.string()),
    /** check_targets: set only when the office changes. */
    target_office_id: z.string(),
    /** move_office */
    countries_changed: z.boolean(),
    /** assign_number */
    phone_number: z.string(),
  })
  .partial();
export type UpdateProgress = z.infer<typeof updateProgress>;

/** import_users stores these after every page, so a redelivered job resumes at `cursor`. */
export const importProgress = z
  .object({
    cursor: z.string(),
    finished: z.boolean(),
    pages: z.number(),
    seen: z.number(),
    imported: z.number(),
    known: z.number(),
    skipped: z.number(),
  })
  .partial();
export type ImportProgress = z.infer<typeof importProgress>;

/** The delete job's steps read the user's state from Dialpad and our record before each change. */
export const deleteProgress = z
  .object({
    /** reread_user: where the numbers still on the user go (checked before any change). */
    parking: resolvedHandoff,
  })
  .partial();
export type DeleteProgress = z.infer<typeof deleteProgress>;
