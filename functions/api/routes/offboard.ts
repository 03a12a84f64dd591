/** `POST /v1/offboard` (scope `offboard`; a retention below the default needs `admin`). */
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import { defineRoute } from "../route";
import { acceptedJobErrors, acceptedJobResponses, acceptJob, IDEMPOTENCY_HEADER } from "./accept-job";

export const offboard = defineRoute({
  name: "offboard",
  method: "POST",
  path: "/v1/offboard",
  summary: "Offboard a person",
  description:
    "Suspends at once (reversible), removes from call centers, hands numbers off and records when the sweeper may delete.",
  tag: "jobs",
  scope: "offboard",
  fn: "api",
  request: {
    body: JOB_KINDS.requestSchemaOf("offboard"),
    headers: IDEMPOTENCY_HEADER,
    example: { email: "ada.lovelace@example.com", ticket: { system: "jira", id: "IT-4711" } },
  },
  responses: acceptedJobResponses,
  errors: {
    ...acceptedJobErrors,
    403: {
      description: "A `retention_days` shorter than the configured default needs the `admin` scope.",
      codes: ["forbidden"],
    },
  },
  handle: async (input, deps) => acceptJob({ kind: "offboard", request: input.body }, input, deps),
});
