/**
 * The lifecycle domain's vocabulary: jobs, their steps, a person's lifecycle record and history.
 * Field names are snake_case because they are what the HTTP API shows (docs/api.md).
 */
import type { License } from "../dialpad/schemas";

/** `held`: accepted but stopped by the mass-change guard (mass-change-guard.ts) until released or cancelled. */
export type JobStatus = "held" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** The fixed, documented list of reasons a job fails (README "Job error codes"). */
export const JOB_ERROR_CODES = {
  no_seats: "The office has no seat left for the requested licence.",
  office_not_found: "No office has that id or exact name.",
  user_not_found: "No Dialpad user has that email or id.",
  email_in_use: "The email belongs to a Dialpad account that cannot be reused (e.g. deleted or pending).",
  number_unavailable: "The requested phone number or area code cannot be assigned.",
  call_center_not_found: "A requested call center does not exist.",
  handoff_target_not_found:
    "The number handoff target (user, department, call center or office) does not exist or cannot take numbers.",
  rehire_required:
    "A suspended Dialpad account holds the email: reactivating it needs `rehire: true` (else the new person would inherit the old account's voicemail and history).",
  privileged_user:
    "The Dialpad user is an admin (company, office, department or call center): changing or deleting it needs a client with the `admin` scope.",
  identity_mismatch: "`email` and `user_id` name different Dialpad users; nothing was changed.",
  dialpad_rejected: "Dialpad refused the request (400/403/409); the message says why.",
  dialpad_unavailable: "Dialpad kept failing or throttling after every retry.",
  dialpad_unauthorized: "Dialpad refused the API key; check the key secret.",
  retries_exhausted: "The job's message was received too many times without finishing.",
  internal_error: "An unexpected error; the logs hold the details under the job id.",
} as const;
export type JobErrorCode = keyof typeof JOB_ERROR_CODES;

export interface Ticket {
  system: string;
  id: string;
  url?: string;
}

export interface OnboardRequest {
  email: string;
  first_name: string;
  last_name: string;
  office_id?: string;
  office_name?: string;
  license: License;
  phone_number?: string;
  area_code?: string;
  extension?: string;
  timezone?: string;
  language?: string;
  admin_type: "none" | "office" | "company";
  call_center_ids: string[];
  ticket?: Ticket;
  /** Allows reactivating a suspended account that holds the email (the same person coming back). */
  rehire?: boolean;
  /** Where the finished job is POSTed, signed (docs/integrations.md "Job-finished notifications"). */
  callback_url?: string;
}

/**
 * Where a leaver's numbers go: kept on the suspended user until deletion (default), released to the
 * company's pool, or handed to another holder (e.g. the manager).
 */
export type NumberHandoff =
  | { to: "keep" }
  | { to: "release" }
  /** `otherwise: "keep"`: when no active Dialpad user has the email then, keep instead of failing. */
  | { to: "user"; email: string; otherwise?: "keep" }
  | { to: "department" | "call_center" | "office"; id: string };

export interface OffboardRequest {
  email?: string;
  user_id?: string;
  retention_days?: number;
  /** Absent = keep. */
  number_handoff?: NumberHandoff;
  ticket?: Ticket;
  /** Where the finished job is POSTed, signed (docs/integrations.md "Job-finished notifications"). */
  callback_url?: string;
}

/** A mover: only the fields given change (docs/product.md, request bodies). */
export interface UpdateRequest {
  email: string;
  first_name?: string;
  last_name?: string;
  office_id?: string;
  office_name?: string;
  license?: License;
  extension?: string;
  /** A new number by area code, e.g. after a move between countries took the old ones. */
  area_code?: string;
  admin_type?: "none" | "office" | "company";
  /** The exact set wanted: missing ones are added, others removed. */
  call_center_ids?: string[];
  new_email?: string;
  ticket?: Ticket;
  /** Where the finished job is POSTed, signed (docs/integrations.md "Job-finished notifications"). */
  callback_url?: string;
}

/** Records every Dialpad user we do not know yet. */
export interface ImportRequest {
  ticket?: Ticket;
}

export interface DeleteRequest {
  email: string;
  user_id: string;
  /** The retention deadline the job was made for: a later one on the record means "not yet". */
  delete_after?: string;
}

export type StepStatus = "started" | "succeeded" | "skipped" | "failed";
export interface JobStep {
  name: string;
  status: StepStatus;
  at: string;
  detail?: string;
}

export interface JobError {
  code: JobErrorCode;
  message: string;
}

interface JobBase {
  job_id: string;
  status: JobStatus;
  /** Unknown only while an offboard requested by user id has not been resolved yet. */
  email?: string;
  user_id?: string;
  steps: JobStep[];
  error?: JobError;
  /** Why a job was cancelled (e.g. superseded by an offboard, user reactivated by hand). */
  cancel_reason?: string;
  ticket?: Ticket;
  /** The API client (or "sweeper"/"webhook") that asked for this job. */
  client: string;
  /** What the requesting client was allowed at intake; the worker checks it against Dialpad's truth. */
  authority: JobAuthority;
  created_at: string;
  updated_at: string;
  /** Set once the job's message is on its queue; a repeat request re-sends when it is missing. */
  enqueued_at?: string;
  /** Why the job was accepted `held` (the mass-change guard); kept after a release, for the record. */
  held_reason?: string;
  /** The `approve` client that released the held job, and when. */
  released_by?: string;
  released_at?: string;
}

/**
 * The requesting client's authority, recorded when the job is accepted: whether it held `admin`
 * (docs/product.md, scopes and authority), which alone may change or delete a Dialpad office or
 * company admin.
 */
export interface JobAuthority {
  admin: boolean;
}

/**
 * Every job kind: what it is asked (`request`) and what its steps record for the steps after them
 * (`progress`). Each kind's own module adds its entry (`declare module "./model"`, see onboard.ts)
 * beside its `defineJobKind`, so a new kind is that one file plus its line in job-kinds.ts.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by each kind's module (declaration merging)
export interface JobKindShapes {}
export type JobKind = keyof JobKindShapes;

/** A job; `progress` holds the outputs of its finished steps, so a resumed run skips them. */
export type Job = { [K in JobKind]: JobBase & { kind: K } & JobKindShapes[K] }[JobKind];
export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;
/** The kinds a client asks for: their request may name a ticket (a delete is the sweeper's own). */
export type ClientJobKind = {
  [K in JobKind]: "ticket" extends keyof JobKindShapes[K]["request"] ? K : never;
}[JobKind];

/** Emails are compared trimmed and lower-cased (our records' key, and Dialpad's matching). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * `awaiting_office`: created active through SCIM with no office known yet (no office group,
 * `officeName` or SCIM_DEFAULT_OFFICE): onboarded as soon as one arrives.
 */
export type PersonState = "onboarding" | "awaiting_office" | "active" | "suspended" | "deleted";

/**
 * What an identity provider said about a person through SCIM (shared/scim), kept beside the person's
 * record (same partition, moved with it on an email change): our stable SCIM id, the IdP's names for the person, and the desired office, licence,
 * area code and extension it maps. Never a password, never an attribute we do not know.
 */
export interface ScimUser {
  /** Our own stable id (not Dialpad's). */
  id: string;
  /** The person's email: the record this belongs to. */
  email: string;
  /** As the IdP spelt it; unique case-insensitively. */
  user_name: string;
  external_id?: string;
  given_name?: string;
  family_name?: string;
  display_name?: string;
  /** The emails the IdP sent, as sent (value, type, primary). */
  emails?: { value: string; type?: string; primary?: boolean }[];
  /** The manager's SCIM id, as sent: resolved when the person is deprovisioned. */
  manager_id?: string;
  department?: string;
  employee_number?: string;
  office_name?: string;
  license?: string;
  area_code?: string;
  extension?: string;
  /** The office of the office group the person last joined: wins over `office_name`. */
  group_office_name?: string;
  /** What the IdP last asked (`active`), and when: a later suspension by hand wins. */
  active: boolean;
  active_at: string;
  /**
   * The latest offboard SCIM asked for this person, and whether the mass-change guard held it
   * (then `active` stays true: nothing changed in Dialpad).
   */
  offboard_job_id?: string;
  offboard_held?: boolean;
  /** Count the onboardings and offboards SCIM asked, so each has its own request key (a retry shares it). */
  activations: number;
  deactivations: number;
  /** Set by `DELETE /Users/{id}`: gone for SCIM (404, not listed) while our record keeps its retention. */
  deleted_at?: string;
  created_at: string;
  updated_at: string;
}

export interface HistoryEntry {
  at: string;
  /** What changed, e.g. "created", "suspended", "deleted", "reactivated_by_hand". */
  action: string;
  source: "api" | "worker" | "webhook" | "sweeper" | "reconcile";
  job_id?: string;
  client?: string;
  ticket?: Ticket;
  detail?: string;
}

/** A legal hold (litigation, investigation): no deletion while it stands. */
export interface LegalHold {
  reason: string;
  /** The API client that placed it. */
  by: string;
  at: string;
  ticket?: Ticket;
}

export interface Person {
  email: string;
  user_id?: string;
  state: PersonState;
  office_id?: string;
  suspended_at?: string;
  delete_after?: string;
  deleted_at?: string;
  /** Set by POST /v1/users/{email}/approve-deletion when approval is required. */
  deletion_approved_at?: string;
  /** Set by POST /v1/users/{email}/hold, removed by DELETE; the sweeper and the delete job honour it. */
  hold?: LegalHold;
  /**
   * Set when the suspension was made by hand in Dialpad (seen by webhook or reconciliation): the
   * retention clock runs, but no deletion happens until a client with `approve` approves it.
   */
  deletion_requires_approval?: boolean;
  /**
   * True when a client with `admin` stood behind the pending deletion (it offboarded or approved
   * it): only then may the delete job remove a Dialpad admin.
   */
  deletion_admin_authority?: boolean;
  /**
   * The offboard that is suspending (or suspended) the person, written before it reaches Dialpad:
   * its suspension is never taken for one made by hand, even when a later step of it fails.
   */
  suspended_by?: { job_id: string; client: string };
  /** The Dialpad numbers last seen on the user (E.164), answered to SCIM without a Dialpad read. */
  phone_numbers?: string[];
  updated_at: string;
}

/** The queue message that drives the worker: only the job id; the job itself lives in DynamoDB. */
export interface JobMessage {
  job_id: string;
}
