/**
 * `POST /v1/jobs/{job_id}/release` and `/cancel` (scope `approve`), optional body `{reason?, ticket?}`:
 * run a job the mass-change guard held, or cancel a held or still-queued one → 200 with the job.
 */
import * as z from "zod";
import { cancelJob, releaseJob } from "../../../shared/lifecycle/job-decisions";
import { ticket } from "../../../shared/lifecycle/requests";
import { jobView } from "../../../shared/lifecycle/views";
import { defineRoute, reply } from "../route";
import { jobSchema } from "../schemas";

const request = {
  params: z.object({ job_id: z.string().min(1).max(200) }),
  body: z.strictObject({
    reason: z.string().trim().min(1, "Must not be empty.").max(500, "At most 500 characters.").optional(),
    ticket: ticket.optional(),
  }),
  bodyOptional: true,
};
const notFound = { description: "No job has this id.", codes: ["job_not_found"] };

export const releaseJobRoute = defineRoute({
  name: "releaseJob",
  method: "POST",
  path: "/v1/jobs/{job_id}/release",
  summary: "Release a held job",
  description:
    "Runs a job the mass-change guard held: it becomes `queued` and goes on its lane. Never by the client that submitted it.",
  tag: "jobs",
  scope: "approve",
  fn: "api",
  request,
  responses: { 200: { description: "Released: the job, now `queued`.", schema: jobSchema } },
  errors: {
    403: {
      description: "The client that submitted the job may not release it.",
      codes: ["forbidden", "self_approval"],
    },
    404: notFound,
    409: { description: "The job is not held.", codes: ["not_held"] },
  },
  handle: async ({ params, body, principal }, deps) =>
    reply(200, jobView(await releaseJob(params.job_id, { client: principal.client, ...body }, deps.submit))),
});

export const cancelJobRoute = defineRoute({
  name: "cancelJob",
  method: "POST",
  path: "/v1/jobs/{job_id}/cancel",
  summary: "Cancel a held or queued job",
  description:
    "Nothing is changed in Dialpad. Any approve client may cancel, the submitting client included: cancelling only withdraws a request. A job that started is not cancelled.",
  tag: "jobs",
  scope: "approve",
  fn: "api",
  request,
  responses: { 200: { description: "Cancelled: the job, with `cancel_reason`.", schema: jobSchema } },
  errors: {
    404: notFound,
    409: { description: "The job is neither held nor queued.", codes: ["not_cancellable"] },
  },
  handle: async ({ params, body, principal }, deps) =>
    reply(200, jobView(await cancelJob(params.job_id, { client: principal.client, ...body }, deps.submit))),
});
