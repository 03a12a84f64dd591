/**
 * Lambda entry of the HTTP API (API Gateway REST proxy). Dependencies are built once per container,
 * on first use, from the validated environment.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { intakeSettings, loadConfig } from "../../shared/config";
import { httpErrorHandler } from "../../shared/http/http-error-handler";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { createLogger } from "../../shared/observability/logger";
import { createTracer } from "../../shared/observability/tracing";
import { stateDepsFromEnv } from "../../shared/wiring/from-env";
import { type ApiHandler, createApi } from "./api";

const logger = createLogger({ component: "api" });
const tracer = createTracer();
let api: ApiHandler | undefined;

export function apiFromEnv(env: NodeJS.ProcessEnv = process.env): ApiHandler {
  const state = stateDepsFromEnv(JOB_KINDS, env, tracer);
  const intake = loadConfig(intakeSettings, env);
  return createApi({
    ...state,
    settings: {
      retentionDays: state.settings.RETENTION_DAYS,
      requireDeletionApproval: state.settings.REQUIRE_DELETION_APPROVAL,
      allowedEmailDomains: intake.ALLOWED_EMAIL_DOMAINS,
      callbackPorts: intake.CALLBACK_PORTS,
      scimDefaultOffice: intake.SCIM_DEFAULT_OFFICE,
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
