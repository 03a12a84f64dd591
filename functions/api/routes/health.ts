/** `GET /v1/health`: liveness, open to anyone. */
import * as z from "zod";
import { defineRoute, reply } from "../route";

export const health = defineRoute({
  name: "health",
  method: "GET",
  path: "/v1/health",
  summary: "Liveness",
  tag: "service",
  open: "Liveness probe, open by the product contract; it reveals nothing.",
  fn: "api",
  request: {},
  responses: {
    200: { description: "The API function answers.", schema: z.object({ status: z.literal("ok") }) },
  },
  handle: async () => reply(200, { status: "ok" as const }),
});
