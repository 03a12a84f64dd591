/**
 * Lambda entry of the HTTP API (API Gateway REST proxy). Dependencies are built once per container,
 * on first use, from the validated environment.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpErrorHandler } from "../../shared/http/http-error-handler";
import { createLogger } from "../../shared/observability/logger";
import { createTracer } from "../../shared/observability/tracing";
import { reconcileRoutes } from "../../shared/reconcile/reconcile-routes";
import { approveDeletionRoute } from "../../shared/retention/approve-deletion-route";
import { stateDepsFromEnv } from "../../shared/wiring/from-env";
import { type ApiHandler, createApi } from "./api";

const logger = createLogger({ component: "api" });
const tracer = createTracer();
let api: ApiHandler | undefined;

export function apiFromEnv(env: NodeJS.ProcessEnv = process.env): ApiHandler {
  const state = stateDepsFromEnv(env, tracer);
  return createApi({
    submit: state.submit,
    jobs: state.jobs,
    people: state.people,
    extraRoutes: {
      approveDeletion: approveDeletionRoute(state),
      ...reconcileRoutes({ reports: state.reports, queue: state.reconcileQueue, clock: state.clock }),
    },
  });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    api ??= apiFromEnv();
    return api(event);
  });
