/**
 * The answers of the HTTP API as zod schemas: the handlers' results are typed by them and the
 * OpenAPI document is generated from them (schemas with a `meta` id become named components).
 * They describe what shared/lifecycle/views.ts and friends produce; the contract tests validate
 * real answers against the generated document, so the two cannot drift apart unnoticed.
 */
import * as z from "zod";
import { JOB_KIND_NAMES } from "../../shared/lifecycle/job-kinds";

const timestamp = z.string().meta({ format: "date-time", description: "ISO 8601, UTC." });

export const JOB_KIND_COMPONENT = "JobKind";
/** The job kinds (shared/lifecycle/job-kinds.ts); one named component, so the document lists them once. */
export const jobKindSchema = z
  .enum(JOB_KIND_NAMES)
  .meta({ id: JOB_KIND_COMPONENT, description: "What a job does." });
export const JOB_STATUSES = ["held", "queued", "running", "succeeded", "failed", "cancelled"] as const;
export const PERSON_STATES = ["onboarding", "awaiting_office", "active", "suspended", "deleted"] as const;

const ticketSchema = z
  .object({ system: z.string(), id: z.string(), url: z.string().optional() })
  .meta({ id: "Ticket", description: "The ticket that asked for the change." });

export const jobSchema = z
  .object({
    job_id: z.string(),
    kind: jobKindSchema,
    status: z.enum(JOB_STATUSES),
    email: z.string().nullable().meta({ description: "Null only while an offboard by user_id is resolved." }),
    user_id: z.string().optional(),
    steps: z.array(
      z.object({
        name: z.string(),
        status: z.enum(["started", "succeeded", "skipped", "failed"]),
        at: timestamp,
        detail: z.string().optional(),
      }),
    ),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({ description: "Why a failed job failed; `code` is from the documented list." }),
    cancel_reason: z.string().optional(),
    held_reason: z.string().optional().meta({
      description: "Why the job was accepted `held` (the mass-change guard); kept after a release.",
    }),
    released_by: z.string().optional().meta({ description: "The client that released the held job." }),
    released_at: timestamp.optional(),
    ticket: ticketSchema.optional(),
    created_at: timestamp,
    updated_at: timestamp,
    links: z.object({ self: z.string() }),
  })
  .meta({ id: "Job", description: "A unit of work and how far it got." });

const historyEntrySchema = z
  .object({
    at: timestamp,
    action: z.string(),
    source: z.enum(["api", "worker", "webhook", "sweeper", "reconcile"]),
    job_id: z.string().optional(),
    client: z.string().optional(),
    ticket: ticketSchema.optional(),
    detail: z.string().optional(),
  })
  .meta({ id: "HistoryEntry" });

export const personSchema = z
  .object({
    email: z.string(),
    user_id: z.string().nullable(),
    state: z.enum(PERSON_STATES),
    office_id: z.string().nullable(),
    suspended_at: timestamp.optional(),
    delete_after: timestamp.optional(),
    deleted_at: timestamp.optional(),
    deletion_approved_at: timestamp.optional(),
    held: z
      .literal(true)
      .optional()
      .meta({ description: "Present while a legal hold stands: no deletion meanwhile." }),
    hold: z
      .object({ reason: z.string(), by: z.string(), at: timestamp, ticket: ticketSchema.optional() })
      .optional()
      .meta({
        description:
          "The legal hold, shown only to clients with the `legal_hold` or `admin` scope (others see `held`; hold entries of the history then carry no reason).",
      }),
    history: z.array(historyEntrySchema),
  })
  .meta({ id: "Person", description: "Our lifecycle record of one person." });

const driftEntry = z.object({
  user_id: z.string(),
  email: z.string().optional(),
  dialpad_state: z.string(),
  record_state: z.enum(PERSON_STATES).optional(),
  delete_after: timestamp.optional(),
});

export const reportSchema = z
  .object({
    report_id: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    trigger: z.enum(["schedule", "api"]),
    requested_by: z.string().optional(),
    started_at: timestamp,
    finished_at: timestamp.optional(),
    counts: z
      .object({
        dialpad_users: z.number(),
        deleted_users_checked: z.number(),
        records_matched: z.number(),
        unknown_in_dialpad: z.number(),
        state_mismatch: z.number(),
        suspended_without_retention: z.number(),
        drifted_users: z.number(),
      })
      .optional(),
    unknown_in_dialpad: z.array(driftEntry).optional(),
    state_mismatch: z.array(driftEntry).optional(),
    suspended_without_retention: z.array(driftEntry).optional(),
    truncated: z.boolean().optional(),
    error: z.object({ message: z.string() }).optional(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: "DriftReport", description: "What differs between Dialpad and our records." });

export const reportAcceptedSchema = z.object({
  report_id: z.string(),
  status: z.enum(["running"]),
  links: z.object({ self: z.string() }),
});

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "snake_case, stable: branch on it." }),
      message: z.string().meta({ description: "A sentence for people." }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: "Each bad field, with its dotted path (400 only)." }),
    }),
  })
  .meta({ id: "Error", description: "Every error answer has this shape." });

/** The error answer of the SCIM routes (RFC 7644 §3.12). */
export const scimErrorSchema = z
  .object({
    schemas: z.array(z.literal("urn:ietf:params:scim:api:messages:2.0:Error")),
    status: z.string().meta({ description: "The HTTP status, as a string." }),
    scimType: z
      .string()
      .optional()
      .meta({ description: "SCIM's error type: uniqueness, invalidFilter, invalidValue..." }),
    detail: z.string().meta({ description: "A sentence for people." }),
  })
  .meta({ id: "ScimError", description: "Every error answer of a /scim/v2 route has this shape." });
