/** `POST /v1/onboard` (scope `onboard`; admin rights need `admin`): accept an onboarding. */
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import { defineRoute } from "../route";
import {
  acceptedJobErrors,
  acceptedJobResponses,
  acceptJob,
  IDEMPOTENCY_HEADER,
  newEmailErrors,
} from "./accept-job";

export const onboard = defineRoute({
  name: "onboard",
  method: "POST",
  path: "/v1/onboard",
  summary: "Onboard a person",
  description:
    "Creates (or adopts, or with `rehire` reactivates) the Dialpad user, then applies profile, number and call centers in the worker.",
  tag: "jobs",
  scope: "onboard",
  fn: "api",
  request: {
    body: JOB_KINDS.requestSchemaOf("onboard"),
    headers: IDEMPOTENCY_HEADER,
    example: {
      email: "ada.lovelace@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      office_name: "HQ",
      area_code: "415",
      ticket: { system: "servicenow", id: "RITM0012345" },
    },
  },
  responses: acceptedJobResponses,
  errors: {
    ...acceptedJobErrors,
    ...newEmailErrors,
    403: { description: "`admin_type` other than `none` needs the `admin` scope.", codes: ["forbidden"] },
  },
  handle: async (input, deps) => acceptJob({ kind: "onboard", request: input.body }, input, deps),
});
