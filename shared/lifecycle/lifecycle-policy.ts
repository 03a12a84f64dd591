/**
 * A person's lifecycle as one explicit policy: active → suspended (with retention, approvals and
 * holds) → deleted. Every path that moves a person along it (the API's intake, approval and hold
 * routes, the offboard and delete jobs, the webhook's sync, the sweeper; SCIM next) asks these pure
 * decisions instead of carrying its own copy of a rule, so a new path cannot forget one.
 *
 * Each decision names the authority it needs (`Actor`: the client and whether it holds `admin`)
 * and the fresh facts it must be given (our record as just read, with its history where it
 * matters; Dialpad's user as just read). Decisions never read or write: callers read, ask, then
 * write what the decision says (conditionally where the facts may move meanwhile). This module
 * depends on the domain's model and errors only.
 *
 * The invariants it holds (docs/security.md "Lifecycle invariants"):
 * 1. retention only lengthens without `admin` (offboardRetention);
 * 2. separation of duties: no approval by a client that requested an offboard of the current
 *    suspension or lifted a hold during it (decideApproval); a suspension we made is never
 *    taken for a hand suspension (suspensionSeen);
 * 3. an approval belongs to one suspension (decideApproval's condition);
 * 6. no privilege without `admin` (privilegeRefusal, adminRightsRefusal, requestNeedsAdmin).
 * 7. the mass-change guard is a rule on a client's jobs rather than a person: mass-change-guard.ts
 *    (held or not) and job-decisions.ts (release never by the submitting client).
 */
import { NotFound, NotPermitted, StateConflict } from "../errors/domain-errors";
import type { HistoryEntry, Job, JobAuthority, JobStatus, LegalHold, Person, Ticket } from "./model";

const DAY_MS = 24 * 3600 * 1000;

/** Who asks: the API client (or "sweeper"/"webhook") and whether it holds `admin` (absent: no). */
export interface Actor {
  client: string;
  admin?: boolean;
  ticket?: Ticket;
}

/** The fields that describe one suspension; a return to active (or a deletion) clears them all. */
export const SUSPENSION_FIELDS = [
  "suspended_at",
  "delete_after",
  "deletion_approved_at",
  "deletion_requires_approval",
  "deletion_admin_authority",
  "suspended_by",
] as const satisfies readonly (keyof Person)[];

// ---------------------------------------------------------------------------------------------
// Invariant 6: no privilege without `admin`.

/** What Dialpad tells of a user's admin roles, as just read from Dialpad. */
export interface DialpadAdminFlags {
  id: string;
  is_super_admin?: boolean | undefined;
  is_admin?: boolean | undefined;
  admin_office_ids?: readonly string[] | undefined;
  group_details?: readonly { role?: string | undefined }[] | undefined;
}

/**
 * Any admin role Dialpad reports: company (`is_super_admin`), office (`admin_office_ids`, or any
 * `is_admin`), and admin of a department, call center or office main line (`group_details` role
 * `admin`, as the add-operator endpoints grant it).
 */
export function isDialpadAdmin(user: Omit<DialpadAdminFlags, "id">): boolean {
  return (
    user.is_super_admin === true ||
    user.is_admin === true ||
    (user.admin_office_ids?.length ?? 0) > 0 ||
    (user.group_details ?? []).some((group) => group.role === "admin")
  );
}

/**
 * Why a job may not `action` (offboard, update, adopt, reactivate, delete) this Dialpad user, if it
 * may not: the user is a Dialpad admin of any kind and the job's client lacked `admin`.
 * Facts: the user as just read from Dialpad; the authority the job recorded at intake.
 */
export function privilegeRefusal(
  user: DialpadAdminFlags,
  authority: JobAuthority | undefined,
  action: string,
): string | undefined {
  if (!isDialpadAdmin(user) || authority?.admin === true) return undefined;
  return `Dialpad user ${user.id} is a Dialpad admin (company, office, department or call center): to ${action} it the client needs the "admin" scope. Nothing was changed.`;
}

/** Why a job may not set `admin_type` (any value, revoking too) without `admin`, if it may not. */
export function adminRightsRefusal(
  adminType: string | undefined,
  authority: JobAuthority | undefined,
  granting: "grant" | "change",
): string | undefined {
  if (adminType === undefined || authority?.admin === true) return undefined;
  if (granting === "grant" && adminType === "none") return undefined;
  return `${granting === "grant" ? "Granting" : "Changing"} admin rights (admin_type "${adminType}") needs the "admin" scope. Nothing was changed.`;
}

/**
 * What a request asks that needs `admin` beyond its route's scope, decided from the request alone
 * so the API refuses (403) before anything is written: granting admin rights, revoking them where
 * the kind says so (`revokingToo`: an update's "none" takes rights away), a retention shorter than
 * the default. Each kind's `adminAsk` (job-kind.ts) applies it. Answers what it would do, for the
 * refusal's message.
 */
export function requestNeedsAdmin(
  request: { admin_type?: string | undefined; retention_days?: number | undefined },
  defaultRetentionDays: number,
  options: { revokingToo?: boolean } = {},
): string | undefined {
  if (request.admin_type !== undefined && request.admin_type !== "none")
    return `grant admin rights (admin_type "${request.admin_type}")`;
  if (options.revokingToo && request.admin_type === "none") return 'revoke admin rights (admin_type "none")';
  if (request.retention_days !== undefined && request.retention_days < defaultRetentionDays)
    return `ask for a retention shorter than the default of ${defaultRetentionDays} days`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Suspension: ours (an offboard) or by hand; retention only lengthens without `admin`.

/** Marks our own offboard's suspension before it reaches Dialpad, so it is never taken for a hand one. */
export function suspensionMarker(job: { job_id: string; client: string }): Pick<Person, "suspended_by"> {
  return { suspended_by: { job_id: job.job_id, client: job.client } };
}

export interface SuspensionSeen {
  set: Pick<Person, "state" | "suspended_at" | "delete_after" | "deletion_requires_approval">;
  remove: (keyof Person)[];
  action: "suspended_by_hand" | "suspended_by_offboard";
  /** The offboard's client when the suspension was ours. */
  client?: string;
  job_id?: string;
  detail: string;
}

/**
 * Dialpad shows the user suspended while our record has no retention running (seen by the
 * webhook or reconciliation). The retention clock starts with the default and the deletion
 * waits for an approval. A suspension our own offboard made (`suspended_by`, written before it
 * reached Dialpad) stays attributed to that offboard's client even when a later step of it
 * failed, so that client still may not approve it.
 * Facts: our record as just read; Dialpad's user state as just read.
 */
export function suspensionSeen(
  person: Person,
  userId: string,
  now: Date,
  retentionDays: number,
): SuspensionSeen {
  const at = now.toISOString();
  const deleteAfter = new Date(now.getTime() + retentionDays * DAY_MS).toISOString();
  const set = {
    state: "suspended" as const,
    suspended_at: person.state === "suspended" && person.suspended_at ? person.suspended_at : at,
    delete_after: deleteAfter,
    deletion_requires_approval: true,
  };
  const remove: (keyof Person)[] = ["deleted_at", "deletion_approved_at", "deletion_admin_authority"];
  const waits = `it may be deleted after ${deleteAfter} (${retentionDays} days, the default retention) once a client with "approve" approves`;
  const ours = person.suspended_by;
  if (ours)
    return {
      set,
      remove,
      action: "suspended_by_offboard",
      client: ours.client,
      job_id: ours.job_id,
      detail: `Dialpad user ${userId} was suspended by offboard job ${ours.job_id} of ${ours.client}, which did not record its retention; ${waits}`,
    };
  return {
    set,
    remove,
    action: "suspended_by_hand",
    detail: `Dialpad user ${userId} was suspended outside this service; ${waits}`,
  };
}

export interface OffboardRetention {
  set: Pick<Person, "state" | "suspended_at" | "delete_after" | "deletion_admin_authority"> &
    Partial<Pick<Person, "deletion_requires_approval">>;
  remove: (keyof Person)[];
  /** What the step says it did, including what it kept and why. */
  detail: string;
}

/**
 * The retention an offboard records (its last step). A first suspension gets now + the asked
 * (or default) retention and needs no approval. Someone already suspended (in our record, or in
 * Dialpad when the offboard started) keeps the later deadline, any need for an approval and any
 * hold unless the client holds `admin` (invariant 1); an earlier approval lapses either way (a
 * new request, a new approval). Holds are never touched here: only their lift route removes one.
 * Facts: our record as just read; Dialpad's state of the user when the offboard resolved it.
 */
export function offboardRetention(
  person: Person | undefined,
  offboard: { retentionDays: number; dialpadStateAtStart: string | undefined },
  actor: { admin: boolean },
  now: Date,
): OffboardRetention {
  const at = now.toISOString();
  const asked = new Date(now.getTime() + offboard.retentionDays * DAY_MS).toISOString();
  const recordSuspended = person?.state === "suspended";
  const alreadySuspended = recordSuspended || offboard.dialpadStateAtStart === "suspended";
  const suspendedAt = recordSuspended && person?.suspended_at ? person.suspended_at : at;
  const base = {
    state: "suspended" as const,
    suspended_at: suspendedAt,
    deletion_admin_authority: actor.admin,
  };
  const lapse: (keyof Person)[] = ["deleted_at", "deletion_approved_at"];
  const holdNote = person?.hold
    ? `; the legal hold placed ${person.hold.at} by ${person.hold.by} stands`
    : "";
  if (!alreadySuspended || actor.admin)
    return {
      set: { ...base, delete_after: asked },
      remove: [...lapse, "deletion_requires_approval"],
      detail: `delete after ${asked} (${offboard.retentionDays} days)${holdNote}`,
    };
  // Already suspended, no `admin`: the deadline only moves later, an approval still needed stays.
  const current = recordSuspended ? person?.delete_after : undefined;
  const deleteAfter = current && current > asked ? current : asked;
  // A suspension our record did not know yet was made by hand: it waits for an approval.
  const needsApproval = person?.deletion_requires_approval === true || !recordSuspended;
  const kept = [
    ...(deleteAfter !== asked ? [`the later deadline ${deleteAfter} (asked ${asked})`] : []),
    ...(needsApproval ? ["the need for an approval"] : []),
  ];
  return {
    set: {
      ...base,
      delete_after: deleteAfter,
      ...(needsApproval ? { deletion_requires_approval: true } : {}),
    },
    remove: lapse,
    detail: `delete after ${deleteAfter}${kept.length > 0 ? `; already suspended, so kept ${kept.join(" and ")} (only an "admin" client may shorten or clear them)` : ""}${holdNote}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Approvals (invariants 2 and 3).

/** History actions that name a client asking to offboard the person (intake, first step, last step). */
export const OFFBOARD_REQUEST_ACTIONS: ReadonlySet<string> = new Set([
  "offboard_requested",
  "offboard_started",
  "offboarded",
  "suspended_by_offboard",
]);

/** A job in one of these will change nothing more; any other offboard is still open. */
const FINISHED_STATUSES: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** History actions after which the person is active (or gone) again: a later suspension is a new one. */
const SUSPENSION_BOUNDARIES: ReadonlySet<string> = new Set([
  "onboarded",
  "rehired",
  "adopted",
  "imported",
  "reactivated_by_hand",
  "deletion_cancelled",
  "deleted",
  "deleted_by_hand",
]);

/** The history of the person's current suspension: everything since it was last active or new. */
export function currentSuspensionHistory(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  const start = history.findLastIndex((entry) => SUSPENSION_BOUNDARIES.has(entry.action));
  return history.slice(start + 1);
}

/** When a deletion waits for an approval: approvals required service-wide, or a hand suspension. */
export function deletionNeedsApproval(
  person: Pick<Person, "deletion_approved_at" | "deletion_requires_approval">,
  requireApproval: boolean,
): boolean {
  return (requireApproval || person.deletion_requires_approval === true) && !person.deletion_approved_at;
}

/** What must still hold of the record when an approval is written (invariant 3). */
export interface SuspensionCondition {
  /** The suspension the approval was given for; undefined: the record has none recorded. */
  suspended_at: string | undefined;
  /** The deadline must be this one or later (an earlier one is a new decision to approve). */
  delete_after_at_least: string | undefined;
}

export type ApprovalDecision =
  | { outcome: "already_approved" }
  | {
      outcome: "approve";
      set: Pick<Person, "deletion_approved_at"> & Partial<Pick<Person, "deletion_admin_authority">>;
      condition: SuspensionCondition;
      detail: string;
    };

/**
 * Whether `approver` may approve the person's pending deletion, and what to write. Refused:
 * no record (404), not suspended (409 `not_suspended`), and `self_approval` (403) when the
 * approver asked for any offboard of the current suspension (accepted, failed or succeeded), has
 * an offboard of the person still open (it acts on whichever suspension it finds, even one that
 * began after it was accepted), or lifted a hold during it. The write is conditional: same
 * suspension, same or later deadline.
 * Facts: the record with its history, read consistently just before; the person's offboard jobs.
 */
export function decideApproval(
  found: { person: Person; history: readonly HistoryEntry[] } | undefined,
  approver: Actor,
  now: Date,
  offboardJobs: readonly Pick<Job, "client" | "status">[],
): ApprovalDecision {
  if (!found) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  const { person, history } = found;
  if (person.state !== "suspended")
    throw new StateConflict(
      "not_suspended",
      `This person is ${person.state}, not suspended: there is no pending deletion to approve.`,
    );
  const suspension = currentSuspensionHistory(history);
  const requested =
    person.suspended_by?.client === approver.client ||
    offboardJobs.some((job) => job.client === approver.client && !FINISHED_STATUSES.has(job.status)) ||
    suspension.some(
      (entry) => OFFBOARD_REQUEST_ACTIONS.has(entry.action) && entry.client === approver.client,
    );
  if (requested)
    throw new NotPermitted(
      "A deletion must be approved by another client than the one that requested the offboard.",
      "self_approval",
    );
  if (suspension.some((entry) => entry.action === "hold_lifted" && entry.client === approver.client))
    throw new NotPermitted(
      "A client that lifted a legal hold on this person during this suspension may not approve its deletion.",
      "self_approval",
    );
  if (person.deletion_approved_at) return { outcome: "already_approved" };
  return {
    outcome: "approve",
    // An admin client's approval may let the deletion remove a Dialpad admin; keep an earlier yes.
    set: {
      deletion_approved_at: now.toISOString(),
      ...(approver.admin === true ? { deletion_admin_authority: true } : {}),
    },
    condition: { suspended_at: person.suspended_at, delete_after_at_least: person.delete_after },
    detail: person.delete_after
      ? `permanent deletion approved; it happens after ${person.delete_after}`
      : "permanent deletion approved",
  };
}

// ---------------------------------------------------------------------------------------------
// Legal holds.

const HOLDABLE: ReadonlySet<Person["state"]> = new Set(["active", "suspended"]);

/**
 * Placing a hold (scope `legal_hold`): only on active or suspended people (409 `not_holdable`); a
 * second hold keeps the first. Facts: our record as just read.
 */
export function decidePlaceHold(
  person: Person | undefined,
  reason: string,
  by: Actor,
  now: Date,
): { outcome: "already_held" } | { outcome: "place"; hold: LegalHold } {
  if (!person) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  if (!HOLDABLE.has(person.state))
    throw new StateConflict(
      "not_holdable",
      `This person is ${person.state}: a legal hold is for active or suspended people.`,
    );
  if (person.hold) return { outcome: "already_held" };
  return {
    outcome: "place",
    hold: { reason, by: by.client, at: now.toISOString(), ...(by.ticket ? { ticket: by.ticket } : {}) },
  };
}

/**
 * Lifting a hold (scope `legal_hold`): only the client that placed it, or an `admin` client (403
 * `not_hold_owner`). Lifting no hold changes nothing. Facts: our record as just read.
 */
export function decideLiftHold(
  person: Person | undefined,
  by: Actor,
): { outcome: "not_held" } | { outcome: "lift"; hold: LegalHold } {
  if (!person) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  const { hold } = person;
  if (!hold) return { outcome: "not_held" };
  if (hold.by !== by.client && by.admin !== true)
    throw new NotPermitted(
      `This legal hold was placed by "${hold.by}": only that client or an "admin" client may lift it.`,
      "not_hold_owner",
    );
  return { outcome: "lift", hold };
}

// ---------------------------------------------------------------------------------------------
// Deletion.

/**
 * Why our record says the person must not be deleted now, if it does: no record, a legal hold, a
 * state other than suspended, another Dialpad user, no deadline, a deadline not yet passed or
 * later than the one the delete job was made for, or an approval that is required and missing.
 * Facts: our record, read consistently right before the irreversible step.
 */
export function deletionRefusal(
  person: Person | undefined,
  job: { user_id: string; delete_after?: string | undefined },
  now: Date,
  requireApproval: boolean,
): string | undefined {
  if (!person) return "we hold no lifecycle record of this person any more";
  if (person.hold)
    // Not the reason: jobs are read by every `read` client, and only hold managers see reasons.
    return `the person is under a legal hold placed ${person.hold.at} by ${person.hold.by}`;
  if (person.state !== "suspended") return `the record is ${person.state}, not suspended`;
  if (person.user_id !== job.user_id)
    return `the record now names Dialpad user ${person.user_id ?? "none"}, not ${job.user_id}`;
  const deadline = person.delete_after;
  if (!deadline) return "the record has no retention deadline any more";
  if (deadline > now.toISOString() || (job.delete_after !== undefined && deadline > job.delete_after))
    return `the retention deadline moved to ${deadline}`;
  if (deletionNeedsApproval(person, requireApproval)) return "the deletion needs an approval and has none";
  return undefined;
}

/**
 * What the sweeper does with a person on the retention due list: skip a held one, one still
 * awaiting an approval, or one without a Dialpad user id; else make its delete job.
 */
export function sweepDecision(
  person: Person,
  requireApproval: boolean,
): "held" | "awaiting_approval" | "no_user_id" | "delete" {
  if (person.hold) return "held";
  if (deletionNeedsApproval(person, requireApproval)) return "awaiting_approval";
  if (!person.user_id) return "no_user_id";
  return "delete";
}
