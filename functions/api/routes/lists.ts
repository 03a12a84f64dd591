/**
 * `GET /v1/jobs` and `GET /v1/users` (scope `read`): filtered lists, one page at a time, from the
 * table's indexes. `limit` ≤ 100 (default 25); `next_cursor`, when present, asks for the next page.
 */
import * as z from "zod";
import { jobView, personView } from "../../../shared/lifecycle/views";
import { defineRoute, reply } from "../route";
import { JOB_STATUSES, jobKindSchema, jobSchema, PERSON_STATES, personSchema } from "../schemas";

const MAX_PAGE_SIZE = 100;

const paging = {
  limit: z.coerce
    .number()
    .int("Expected a whole number.")
    .min(1, "At least 1.")
    .max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE}.`)
    .default(25)
    .meta({ description: `Items per page, 1 to ${MAX_PAGE_SIZE}.` }),
  cursor: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .meta({ description: "The `next_cursor` of the previous page." }),
};

const pageOf = (item: z.ZodType, id: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().optional().meta({ description: "Present when there may be more." }),
    })
    .meta({ id, description: "One page, newest first." });

const badCursor = {
  400: { description: "A bad filter or cursor.", codes: ["invalid_cursor"] },
} as const;

const jobsQuery = z
  .strictObject({
    status: z.enum(JOB_STATUSES).optional(),
    kind: jobKindSchema.optional(),
    email: z.string().trim().toLowerCase().min(1).max(254).optional(),
    ticket_system: z.string().trim().min(1).max(64).optional(),
    ticket_id: z.string().trim().min(1).max(128).optional(),
    since: z.iso
      .datetime({ offset: true, error: "Expected an ISO 8601 date-time such as 2026-12-01T00:00:00Z." })
      .transform((at) => new Date(at).toISOString())
      .optional()
      .meta({ description: "Jobs created at or after this time." }),
    ...paging,
  })
  .superRefine((query, ctx) => {
    if ((query.ticket_system === undefined) !== (query.ticket_id === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [query.ticket_system === undefined ? "ticket_system" : "ticket_id"],
        message: "Give ticket_system and ticket_id together.",
      });
    }
  });

export const listJobs = defineRoute({
  name: "listJobs",
  method: "GET",
  path: "/v1/jobs",
  summary: "List jobs",
  description:
    "Newest first. Filters combine: e.g. `status=failed&since=...` for what failed last night, `ticket_system=jira&ticket_id=IT-7` for a ticket's jobs.",
  tag: "jobs",
  scope: "read",
  fn: "api",
  request: { query: jobsQuery },
  responses: { 200: { description: "A page of jobs.", schema: pageOf(jobSchema, "JobPage") } },
  errors: badCursor,
  handle: async ({ query }, deps) => {
    const page = await deps.jobs.list(
      {
        ...(query.status ? { status: query.status } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.email ? { email: query.email } : {}),
        ...(query.ticket_system && query.ticket_id
          ? { ticket: { system: query.ticket_system, id: query.ticket_id } }
          : {}),
        ...(query.since ? { since: query.since } : {}),
      },
      { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return reply(200, {
      items: page.items.map(jobView),
      ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
    });
  },
});

const personSummarySchema = personSchema
  .omit({ history: true })
  .meta({ id: "PersonSummary", description: "A lifecycle record without its history." });

export const listUsers = defineRoute({
  name: "listUsers",
  method: "GET",
  path: "/v1/users",
  summary: "List people",
  description:
    "Most recently changed first. `deletion=pending`: suspended with a deletion date; `awaiting_approval`: of those, the ones whose deletion waits for an approval; `held`: under a legal hold. The deletion lists are ordered by deletion date, soonest first.",
  tag: "users",
  scope: "read",
  fn: "api",
  request: {
    query: z.strictObject({
      state: z.enum(PERSON_STATES).optional(),
      deletion: z.enum(["pending", "awaiting_approval", "held"]).optional(),
      ...paging,
    }),
  },
  responses: {
    200: { description: "A page of people.", schema: pageOf(personSummarySchema, "PersonPage") },
  },
  errors: badCursor,
  handle: async ({ query, principal }, deps) => {
    const page = await deps.people.list(
      {
        ...(query.state ? { state: query.state } : {}),
        ...(query.deletion ? { deletion: query.deletion } : {}),
        requireApproval: deps.settings.requireDeletionApproval ?? false,
      },
      { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return reply(200, {
      items: page.items.map((person) => {
        const { history: _history, ...summary } = personView(person, [], principal.scopes);
        return summary;
      }),
      ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
    });
  },
});
