/** `POST /v1/update` (scope `onboard`; any `admin_type`, revoking included, needs `admin`): accept a mover. */
import { requireAuthorityFor } from "../../../shared/auth/request-authority";
import { updateRequest } from "../../../shared/lifecycle/requests";
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
  request: { body: updateRequest },
  responses: acceptedJobResponses,
  errors: {
    ...acceptedJobErrors,
    ...newEmailErrors,
    403: {
      description: "Any `admin_type` (revoking with `none` too) needs the `admin` scope.",
      codes: ["forbidden"],
    },
  },
  handle: async (input, deps) => {
    requireAuthorityFor(input.principal, "update", input.body, deps.settings);
    return acceptJob({ kind: "update", request: input.body }, input, deps);
  },
});
