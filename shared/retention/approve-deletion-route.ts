/**
 * `POST /v1/users/{email}/approve-deletion` (scope `offboard`), served by the API function through
 * its `extraRoutes`: an optional JSON body `{ticket}` → approveDeletion → 200 with the person's
 * record, 404 unknown person, 409 when there is no pending deletion to approve.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import { ApiError, NotFoundError } from "../http/api-error";
import { json } from "../http/json-response";
import { parseJsonBody } from "../http/parse-json-body";
import type { Clock, PersonStore } from "../lifecycle/ports";
import { ticket } from "../lifecycle/requests";
import { personView } from "../lifecycle/views";
import { normaliseEmail } from "../store/person-store";
import { approveDeletion } from "./approve-deletion";

const approvalBody = z.strictObject({ ticket: ticket.optional() });

export function approveDeletionRoute(deps: { people: PersonStore; clock: Clock }) {
  return async (event: APIGatewayProxyEvent, client: string): Promise<APIGatewayProxyResult> => {
    const email = normaliseEmail(decodeURIComponent(event.pathParameters?.email ?? ""));
    const body = event.body?.trim() ? parseJsonBody(event, approvalBody) : {};
    const outcome = await approveDeletion(
      email,
      { client, ...(body.ticket ? { ticket: body.ticket } : {}) },
      deps,
    );
    switch (outcome.status) {
      case "not_found":
        throw new NotFoundError("We have no lifecycle record of this email.", "user_not_found");
      case "not_suspended":
        throw new ApiError(
          409,
          "not_suspended",
          `This person is ${outcome.state}, not suspended: there is no pending deletion to approve.`,
        );
      default:
        return json(200, personView(outcome.person, outcome.history));
    }
  };
}
