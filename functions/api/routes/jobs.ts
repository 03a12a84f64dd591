/** `GET /v1/jobs/{job_id}` (scope `read`): one job. */
import * as z from "zod";
import { NotFound } from "../../../shared/errors/domain-errors";
import { jobView } from "../../../shared/lifecycle/views";
import { defineRoute, reply } from "../route";
import { jobSchema } from "../schemas";

export const getJob = defineRoute({
  name: "getJob",
  method: "GET",
  path: "/v1/jobs/{job_id}",
  summary: "Read a job",
  tag: "jobs",
  scope: "read",
  fn: "api",
  request: { params: z.object({ job_id: z.string().min(1).max(200) }) },
  responses: { 200: { description: "The job.", schema: jobSchema } },
  errors: { 404: { description: "No job has this id.", codes: ["job_not_found"] } },
  handle: async ({ params }, deps) => {
    const job = await deps.jobs.get(params.job_id);
    if (!job) throw new NotFound("job_not_found", "No job has this id.");
    return reply(200, jobView(job));
  },
});
