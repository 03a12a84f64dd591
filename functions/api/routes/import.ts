/** `POST /v1/import` (scope `admin`): a job that records every Dialpad user we do not know yet. */
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import { defineRoute } from "../route";
import { acceptedJobErrors, acceptedJobResponses, acceptJob } from "./accept-job";

export const startImport = defineRoute({
  name: "startImport",
  method: "POST",
  path: "/v1/import",
  summary: "Import the Dialpad users we do not know",
  description:
    "Pages through every live Dialpad user on the bulk share of the rate budget and records each unknown one (history `imported`); the job's step detail reports the counts. A repeat of the request answers the same job: send a new Idempotency-Key (or ticket) for a new import.",
  tag: "jobs",
  scope: "admin",
  fn: "api",
  request: { body: JOB_KINDS.requestSchemaOf("import"), bodyOptional: true },
  responses: acceptedJobResponses,
  errors: acceptedJobErrors,
  handle: async (input, deps) => acceptJob({ kind: "import", request: input.body }, input, deps),
});
