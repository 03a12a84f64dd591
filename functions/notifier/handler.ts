/**
 * Lambda entry of the notifier: consumes the callback queue, one delivery attempt per message
 * (shared/notify/deliver-callback.ts). A failed delivery is not a failed message: the next attempt
 * is queued with its delay and this one is done, so no Lambda ever sleeps between retries. Only an
 * error of our own (the table, the queue, the signing key) fails the record, for SQS to redeliver
 * and, after the last receive, park in the callback DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type DeliverDeps, deliverCallback } from "../../shared/notify/deliver-callback";
import { callbackMessage } from "../../shared/notify/sqs-callback-queue";
import { createLogger } from "../../shared/observability/logger";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
import { createMetrics } from "../../shared/observability/metrics";
import { createTracer } from "../../shared/observability/tracing";
import { callbackDepsFromEnv } from "../../shared/wiring/from-env";

const logger = createLogger({ component: "notifier" });
const metrics = createMetrics();
const tracer = createTracer();

export type NotifierHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function createNotifierHandler(deps: DeliverDeps): NotifierHandler {
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    const handle = async (record: SQSRecord) => {
      const message = callbackMessage.parse(JSON.parse(record.body));
      const result = await deliverCallback(message, deps);
      if (result.status === "delivered")
        logger.info("Callback delivered", {
          job_id: message.job_id,
          attempt: result.attempt,
          status: result.http_status,
        });
    };
    return processPartialResponse(event, handle, processor, { ...(context ? { context } : {}) });
  };
}

let notifier: NotifierHandler | undefined;

export function notifierFromEnv(env: NodeJS.ProcessEnv = process.env): NotifierHandler {
  return createNotifierHandler(
    callbackDepsFromEnv(env, {
      tracer,
      onFailure: (message, reason, result) => {
        metrics.addMetric(METRIC_NAMES.callbackFailures, MetricUnit.Count, 1);
        // The reason says what failed (status, DNS, refused range), never the URL: it may carry a token.
        const log = result.status === "gave_up" ? logger.error.bind(logger) : logger.warn.bind(logger);
        log(result.status === "gave_up" ? "Callback given up" : "Callback failed; will retry", {
          job_id: message.job_id,
          attempt: message.attempt,
          reason,
          ...(result.status === "retrying" ? { next_attempt_at: result.next_attempt_at } : {}),
        });
      },
    }),
  );
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    notifier ??= notifierFromEnv();
    return notifier(event, context);
  });
