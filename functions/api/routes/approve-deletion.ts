/**
 * `POST /v1/users/{email}/approve-deletion` (scope `approve`): optional body `{ticket}` → approve
 * the pending deletion → 200 with the record. Not by a client that requested an offboard of this
 * suspension or lifted a hold during it (lifecycle policy).
 */
import * as z from "zod";
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
  description:
    "Not by a client that requested an offboard of this suspension or lifted a hold during it. The approval holds for this suspension only (same `suspended_at`, same or later `delete_after`). Approving twice keeps the first approval.",
  tag: "users",
  scope: "approve",
  fn: "api",
  request: { params: emailParams, body: z.strictObject({ ticket: ticket.optional() }), bodyOptional: true },
  responses: { 200: { description: "Approved: the record.", schema: personSchema } },
  errors: {
    403: {
      description:
        "A client that requested an offboard of this suspension, or lifted a hold during it, may not approve its deletion.",
      codes: ["forbidden", "self_approval"],
    },
    404: { description: "We have no record of this email.", codes: ["user_not_found"] },
    409: {
      description:
        "The person is not suspended (nothing to approve), or its suspension changed while the approval was written.",
      codes: ["not_suspended", "suspension_changed"],
    },
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
    return reply(200, personView(approval.person, approval.history, principal.scopes));
  },
});
