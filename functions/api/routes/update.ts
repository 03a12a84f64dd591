/** `POST /v1/update` (scope `onboard`; any `admin_type`, revoking included, needs `admin`): accept a mover. */
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import { defineRoute } from "../route";
import { acceptedJobErrors, acceptedJobResponses, acceptJob, newEmailErrors } from "./accept-job";

export const update = defineRoute({
  name: "update",
  method: "POST",
  path: "/v1/update",
  summary: "Update a person (a mover)",
  description:
    "Only the fields given change. Seats in the target office, call centers and a new email are checked before any change; `call_center_ids` is the exact set wanted; `new_email` moves our record and its history to the new email (the old one then answers 404).",
  tag: "jobs",
  scope: "onboard",
  fn: "api",
  request: { body: JOB_KINDS.requestSchemaOf("update") },
  responses: acceptedJobResponses,
  errors: {
    ...acceptedJobErrors,
    ...newEmailErrors,
    403: {
      description: "Any `admin_type` (revoking with `none` too) needs the `admin` scope.",
      codes: ["forbidden"],
    },
  },
  handle: async (input, deps) => acceptJob({ kind: "update", request: input.body }, input, deps),
});
