/** `GET /v1/users/{email}` (scope `read`): our lifecycle record of one person. */
import { NotFound } from "../../../shared/errors/domain-errors";
import { personView } from "../../../shared/lifecycle/views";
import { defineRoute, reply } from "../route";
import { personSchema } from "../schemas";
import { emailParams } from "./path-params";

export const getUser = defineRoute({
  name: "getUser",
  method: "GET",
  path: "/v1/users/{email}",
  summary: "Read a person's lifecycle record",
  tag: "users",
  scope: "read",
  fn: "api",
  request: { params: emailParams },
  responses: { 200: { description: "The record and its history.", schema: personSchema } },
  errors: { 404: { description: "We have no record of this email.", codes: ["user_not_found"] } },
  handle: async ({ params, principal }, deps) => {
    const found = await deps.people.getWithHistory(params.email);
    if (!found) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
    return reply(200, personView(found.person, found.history, principal.scopes));
  },
});
