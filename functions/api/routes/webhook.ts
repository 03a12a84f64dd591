/**
 * `POST /v1/webhooks/dialpad`: Dialpad's change events, served by the webhook function
 * (functions/webhook), so it has no handler here. Dialpad cannot send a bearer token: each event is
 * a JWT signed with the webhook secret, which that function verifies.
 */
import * as z from "zod";
import { defineRoute } from "../route";

export const dialpadWebhook = defineRoute({
  name: "dialpadWebhook",
  method: "POST",
  path: "/v1/webhooks/dialpad",
  summary: "Dialpad event receiver",
  description: "The body is a JWT (HS256) signed with the webhook secret; unsigned events answer 401.",
  tag: "service",
  open: "Dialpad cannot send a bearer token: each event is an HS256 JWT whose signature the webhook function verifies against the webhook secret.",
  fn: "webhook",
  request: {},
  responses: {
    200: {
      description: "Received (duplicates and events we do not act on included).",
      schema: z.object({ status: z.string(), event_id: z.string() }),
    },
  },
  errors: {
    401: {
      description: "The body is not a JWT signed with the webhook secret.",
      codes: ["invalid_signature"],
    },
    413: { description: "The body is larger than an event can be.", codes: ["payload_too_large"] },
  },
});
