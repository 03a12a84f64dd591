/**
 * `POST /v1/users/{email}/hold` `{reason, ticket?}` and `DELETE` (optional `{reason?, ticket?}`),
 * scope `legal_hold`: place or lift a legal hold. No deletion happens while a hold stands; only
 * the client that placed a hold, or an `admin` client, lifts it.
 */
import * as z from "zod";
import { ticket } from "../../../shared/lifecycle/requests";
import { personView } from "../../../shared/lifecycle/views";
import { liftHold, placeHold } from "../../../shared/retention/legal-hold";
import { defineRoute, reply } from "../route";
import { personSchema } from "../schemas";
import { emailParams } from "./path-params";

const reason = z.string().trim().min(1, "Must not be empty.").max(500, "At most 500 characters.");

export const placeHoldRoute = defineRoute({
  name: "placeHold",
  method: "POST",
  path: "/v1/users/{email}/hold",
  summary: "Place a legal hold",
  description:
    "Allowed on active and suspended people. The sweeper skips a held person and a queued delete job stops; a second hold keeps the first.",
  tag: "users",
  scope: "legal_hold",
  fn: "api",
  request: { params: emailParams, body: z.strictObject({ reason, ticket: ticket.optional() }) },
  responses: { 200: { description: "Held: the record, with `hold`.", schema: personSchema } },
  errors: {
    404: { description: "We have no record of this email.", codes: ["user_not_found"] },
    409: { description: "The person is neither active nor suspended.", codes: ["not_holdable"] },
  },
  handle: async ({ params, body, principal }, deps) => {
    const held = await placeHold(
      params.email,
      body.reason,
      { client: principal.client, ...(body.ticket ? { ticket: body.ticket } : {}) },
      deps,
    );
    return reply(200, personView(held.person, held.history, principal.scopes));
  },
});

export const liftHoldRoute = defineRoute({
  name: "liftHold",
  method: "DELETE",
  path: "/v1/users/{email}/hold",
  summary: "Lift a legal hold",
  description:
    "Only the client that placed the hold, or an `admin` client. A deletion already due then goes ahead at the next sweep; the lifting client may not approve it. Lifting when there is no hold changes nothing.",
  tag: "users",
  scope: "legal_hold",
  fn: "api",
  request: {
    params: emailParams,
    body: z.strictObject({ reason: reason.optional(), ticket: ticket.optional() }),
    bodyOptional: true,
  },
  responses: { 200: { description: "The record, without `hold`.", schema: personSchema } },
  errors: {
    403: {
      description: "Only the client that placed the hold, or an `admin` client, may lift it.",
      codes: ["forbidden", "not_hold_owner"],
    },
    404: { description: "We have no record of this email.", codes: ["user_not_found"] },
  },
  handle: async ({ params, body, principal }, deps) => {
    const lifted = await liftHold(
      params.email,
      {
        client: principal.client,
        admin: principal.scopes.includes("admin"),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.ticket ? { ticket: body.ticket } : {}),
      },
      deps,
    );
    return reply(200, personView(lifted.person, lifted.history, principal.scopes));
  },
});
