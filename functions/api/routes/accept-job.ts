/**
 * The answer every job-creating route gives (onboard, offboard, update...): submit → 202 with the
 * new job, or 200 with the same job for a repeat of the request (idempotency), `location` → the job.
 */
import * as z from "zod";
import { requireAuthorityFor } from "../../../shared/auth/request-authority";
import { headerValue } from "../../../shared/http/header-value";
import { checkIntakePolicy } from "../../../shared/lifecycle/intake-policy";
import { IDEMPOTENCY_KEY_HEADER } from "../../../shared/lifecycle/request-key";
import { type Submission, submitJob } from "../../../shared/lifecycle/submit-job";
import { jobView } from "../../../shared/lifecycle/views";
import type { ApiDeps } from "../deps";
import { type RouteInput, reply } from "../route";
import { jobSchema } from "../schemas";

/** The header a client may name a request with (else its ticket, else its body, names it). */
export const IDEMPOTENCY_HEADER = {
  [IDEMPOTENCY_KEY_HEADER]: {
    description:
      "Names the request: a repeat answers the same job, the same key with another body 409. Without it, the ticket (or the body) names the request.",
    schema: z.string().min(1).max(255).optional(),
  },
} as const;

const queuedJob = {
  job_id: "4f8e2b1c-0d3a-4f6e-9b7a-2c5d8e1f0a9b",
  kind: "onboard",
  status: "queued",
  email: "ada.lovelace@example.com",
  steps: [],
  ticket: { system: "servicenow", id: "RITM0012345" },
  created_at: "2026-12-01T09:30:00.000Z",
  updated_at: "2026-12-01T09:30:00.000Z",
  links: { self: "/v1/jobs/4f8e2b1c-0d3a-4f6e-9b7a-2c5d8e1f0a9b" },
};

export const acceptedJobResponses = {
  202: {
    description: "Accepted: the job is queued. `location` names the job.",
    schema: jobSchema,
    example: queuedJob,
    headers: { location: "The job's URL path, /v1/jobs/{job_id}." },
  },
  200: {
    description:
      "A repeat of an accepted request (same Idempotency-Key, or same ticket, or same body): the same job.",
    schema: jobSchema,
  },
} as const;

export const acceptedJobErrors = {
  400: {
    description: "Invalid body or Idempotency-Key.",
    codes: ["validation_failed", "invalid_json", "invalid_idempotency_key"],
  },
  409: {
    description:
      "The idempotency key was used with another body, or the request was carried out by a job whose record has expired.",
    codes: ["idempotency_conflict", "request_already_handled"],
  },
} as const;

/** The 400 of the routes that give a person an email address (onboard, update's `new_email`). */
export const newEmailErrors = {
  400: {
    description: `${acceptedJobErrors[400].description} \`email_domain_not_allowed\`: the email's domain is not in ALLOWED_EMAIL_DOMAINS.`,
    codes: [...acceptedJobErrors[400].codes, "email_domain_not_allowed"],
  },
} as const;

export async function acceptJob(
  submission: Submission,
  input: Pick<RouteInput<object>, "principal" | "headers">,
  deps: ApiDeps,
) {
  // 403 for what needs `admin` beyond the route's scope, then 400 for a domain not allowed.
  requireAuthorityFor(input.principal, submission, deps.submit.kinds, deps.settings);
  checkIntakePolicy(submission, deps.settings, deps.submit.kinds);
  const { job, created } = await submitJob(
    submission,
    {
      client: input.principal.client,
      scopes: input.principal.scopes,
      massOffboardLimit: input.principal.massOffboardLimit,
      idempotencyKey: headerValue(input.headers, IDEMPOTENCY_KEY_HEADER),
    },
    deps.submit,
  );
  const headers = { location: `/v1/jobs/${job.job_id}` };
  return created ? reply(202, jobView(job), headers) : reply(200, jobView(job), headers);
}
