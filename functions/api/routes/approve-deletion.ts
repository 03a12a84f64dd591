/**
 * `POST /v1/users/{email}/approve-deletion` (scope `approve`): optional body `{ticket}` → approve
 * the pending deletion → 200 with the record. The client that requested the offboard may not.
 */
import { z } from "zod";
import { ticket } from "../../../shared/lifecycle/requests";
import { personView } from "../../../shared/lifecycle/views";
import { approveDeletion } from "../../../shared/retention/approve-deletion";
import { defineRoute, reply } from "../route";
import { personSchema } from "../schemas";
import { emailParams } from "./path-params";

export const approveDeletionRoute = defineRoute({
  name: "approveDeletion",
  method: "POST",
  path: "/v1/users/{email}/approve-deletion",
  summary: "Approve a pending deletion",
  description: "Approving twice keeps the first approval.",
  tag: "users",
  scope: "approve",
  fn: "api",
  request: { params: emailParams, body: z.strictObject({ ticket: ticket.optional() }), bodyOptional: true },
  responses: { 200: { description: "Approved: the record.", schema: personSchema } },
  errors: {
    403: {
      description: "The client that requested the offboard may not approve its deletion.",
      codes: ["forbidden", "self_approval"],
    },
    404: { description: "We have no record of this email.", codes: ["user_not_found"] },
    409: { description: "The person is not suspended: nothing to approve.", codes: ["not_suspended"] },
  },
  handle: async ({ params, body, principal }, deps) => {
    const approval = await approveDeletion(
      params.email,
      {
        client: principal.client,
        // An admin's approval may let the deletion remove a Dialpad admin.
        admin: principal.scopes.includes("admin"),
        ...(body.ticket ? { ticket: body.ticket } : {}),
      },
      deps,
    );
    return reply(200, personView(approval.person, approval.history));
  },
});
