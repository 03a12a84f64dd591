/**
 * The API function's routes, each a table of contents: authorize → parse → call the use case → map
 * the result. Errors are thrown as ApiError and mapped to the error shape by the caller's error
 * handler (middy middleware in Lambda).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { principalFromAuthorizerContext } from "../../shared/auth/authorizer-context";
import { requireScope } from "../../shared/auth/require-scope";
import type { Principal, Scope } from "../../shared/auth/scopes";
import { ApiError, IdempotencyConflictError, NotFoundError } from "../../shared/http/api-error";
import { headerValue } from "../../shared/http/header-value";
import { json } from "../../shared/http/json-response";
import { parseJsonBody } from "../../shared/http/parse-json-body";
import {
  IdempotencyConflict,
  type JobStore,
  type PersonStore,
  RequestAlreadyHandled,
} from "../../shared/lifecycle/ports";
import { IDEMPOTENCY_KEY_HEADER } from "../../shared/lifecycle/request-key";
import { offboardRequest, onboardRequest } from "../../shared/lifecycle/requests";
import { type Submission, type SubmitDeps, submitJob } from "../../shared/lifecycle/submit-job";
import { jobView, personView } from "../../shared/lifecycle/views";
import { normaliseEmail } from "../../shared/store/person-store";
import { ROUTES, type RouteName } from "./routes";

export interface ApiDeps {
  submit: SubmitDeps;
  jobs: JobStore;
  people: PersonStore;
  /** Routes owned by other modules (approve-deletion, reconcile), added by the composition. */
  extraRoutes?: Partial<
    Record<RouteName, (event: APIGatewayProxyEvent, client: string) => Promise<APIGatewayProxyResult>>
  >;
}

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export function createApi(deps: ApiDeps): ApiHandler {
  const authorize = (event: APIGatewayProxyEvent, scope: Scope) => {
    const principal = principalFromAuthorizerContext(event.requestContext?.authorizer);
    requireScope(principal, scope);
    return principal;
  };

  async function submit(event: APIGatewayProxyEvent, submission: Submission, principal: Principal) {
    try {
      const { job, created } = await submitJob(
        submission,
        {
          client: principal.client,
          scopes: principal.scopes,
          idempotencyKey: headerValue(event.headers, IDEMPOTENCY_KEY_HEADER),
        },
        deps.submit,
      );
      // 202 for a new request, 200 with the same job for a repeat (PRODUCT.md "Idempotency").
      return json(created ? 202 : 200, jobView(job), { location: `/v1/jobs/${job.job_id}` });
    } catch (error) {
      if (error instanceof IdempotencyConflict) throw new IdempotencyConflictError();
      if (error instanceof RequestAlreadyHandled)
        throw new ApiError(409, "request_already_handled", error.message);
      throw error;
    }
  }

  const pathParam = (event: APIGatewayProxyEvent, name: string) =>
    decodeURIComponent(event.pathParameters?.[name] ?? "");

  const routes: Record<string, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>> = {
    [key(ROUTES.health)]: async () => json(200, { status: "ok" }),

    [key(ROUTES.onboard)]: async (event) => {
      const principal = authorize(event, "onboard");
      return submit(event, { kind: "onboard", request: parseJsonBody(event, onboardRequest) }, principal);
    },

    [key(ROUTES.offboard)]: async (event) => {
      const principal = authorize(event, "offboard");
      return submit(event, { kind: "offboard", request: parseJsonBody(event, offboardRequest) }, principal);
    },

    [key(ROUTES.getJob)]: async (event) => {
      authorize(event, "read");
      const job = await deps.jobs.get(pathParam(event, "job_id"));
      if (!job) throw new NotFoundError("No job has this id.", "job_not_found");
      return json(200, jobView(job));
    },

    [key(ROUTES.getUser)]: async (event) => {
      authorize(event, "read");
      const found = await deps.people.getWithHistory(normaliseEmail(pathParam(event, "email")));
      if (!found) throw new NotFoundError("We have no lifecycle record of this email.", "user_not_found");
      return json(200, personView(found.person, found.history));
    },
  };
  for (const [name, handle] of Object.entries(deps.extraRoutes ?? {})) {
    const route = ROUTES[name as RouteName];
    if (!handle) continue;
    routes[key(route)] = async (event) =>
      handle(event, "scope" in route ? authorize(event, route.scope).client : "anonymous");
  }

  return async (event) => {
    const handle = routes[`${event.httpMethod} ${event.resource}`];
    if (!handle) throw new NotFoundError("No such route.", "route_not_found");
    return handle(event);
  };
}

function key(route: { method: string; resource: string }) {
  return `${route.method} ${route.resource}`;
}
