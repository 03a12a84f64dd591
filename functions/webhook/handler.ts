/**
 * Lambda entry of the Dialpad webhook receiver (`POST /v1/webhooks/dialpad`, no bearer token: the
 * body is a JWS signed with the webhook secret). Reads the raw body → receiveDialpadEvent → 401 for
 * anything not signed by us (no side effect), 200 for the rest, duplicates and unknown events
 * included (Dialpad drops an event on 4xx and retries only 5xx, which our own failures answer).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { PayloadTooLargeError } from "../../shared/http/api-error";
import { toHttpResponse } from "../../shared/http/error-response";
import { httpErrorHandler } from "../../shared/http/http-error-handler";
import { json } from "../../shared/http/json-response";
import { createLogger } from "../../shared/observability/logger";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
import { createMetrics } from "../../shared/observability/metrics";
import { createTracer } from "../../shared/observability/tracing";
import {
  type ReceiveDeps,
  type ReceiveOutcome,
  receiveDialpadEvent,
} from "../../shared/webhook/receive-event";
import { webhookDepsFromEnv } from "../../shared/wiring/from-env";

/** Change-log events are a few hundred bytes; anything this large is not one. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export type WebhookHandler = (
  event: Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded">,
) => Promise<APIGatewayProxyResult>;

export function createWebhookHandler(
  deps: ReceiveDeps,
  onOutcome: (outcome: ReceiveOutcome) => void = () => undefined,
): WebhookHandler {
  return async (event) => {
    const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
    if (bytes.length > MAX_WEBHOOK_BODY_BYTES)
      return toHttpResponse(new PayloadTooLargeError(MAX_WEBHOOK_BODY_BYTES));
    const outcome = await receiveDialpadEvent(bytes.toString("utf8"), deps);
    onOutcome(outcome);
    if (outcome.status === "rejected")
      return json(401, {
        error: {
          code: "invalid_signature",
          message: "The event is not a JWT signed with the webhook secret.",
        },
      });
    return json(200, { status: outcome.status, event_id: outcome.event.event_id });
  };
}

const logger = createLogger({ component: "webhook" });
const metrics = createMetrics();
const tracer = createTracer();
let webhook: WebhookHandler | undefined;

export function webhookFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookHandler {
  return createWebhookHandler(webhookDepsFromEnv(env, tracer), (outcome) => {
    if (outcome.status === "rejected") {
      metrics.addMetric(METRIC_NAMES.webhookEventsRejected, MetricUnit.Count, 1);
      logger.warn("Webhook event refused", { problem: outcome.problem });
      return;
    }
    if (outcome.status === "queued")
      metrics.addMetric(METRIC_NAMES.webhookEventsApplied, MetricUnit.Count, 1);
    const { event_id, action, kind, user_id } = outcome.event;
    logger.info("Webhook event received", { status: outcome.status, event_id, action, kind, user_id });
  });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(logMetrics(metrics))
  .use(httpErrorHandler({ logger }))
  .handler(async (event) => {
    webhook ??= webhookFromEnv();
    return webhook(event);
  });
