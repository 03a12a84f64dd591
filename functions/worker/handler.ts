/**
 * Lambda entry of the worker: consumes the urgent and bulk queues (two event sources, one
 * function) and reports partial batch failures. Dependencies are built once per container.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { CloudWatchDialpadMetricsHook } from "../../shared/observability/dialpad-metrics-hook";
import { createLogger } from "../../shared/observability/logger";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
import { createMetrics, recordJobOutcome, recordRemoval } from "../../shared/observability/metrics";
import { createTracer } from "../../shared/observability/tracing";
import { serviceDepsFromEnv } from "../../shared/wiring/from-env";
import { createWorkerHandler, type WorkerHandler } from "./worker";

const logger = createLogger({ component: "worker" });
const metrics = createMetrics();
const tracer = createTracer();
let worker: WorkerHandler | undefined;

export function workerFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerHandler {
  const service = serviceDepsFromEnv(JOB_KINDS, env, {
    tracer,
    metrics: new CloudWatchDialpadMetricsHook(metrics),
    onLimiterWait: (ms) => metrics.addMetric(METRIC_NAMES.rateLimiterWaitMs, MetricUnit.Milliseconds, ms),
    onSeatsChecked: ({ left }) => metrics.addMetric(METRIC_NAMES.seatsLeft, MetricUnit.Count, left),
    // The job shows a generic internal error; the details (message, stack) live here only.
    onUnexpectedError: (job, error) =>
      logger.error("Unexpected error in a job", { job_id: job.job_id, kind: job.kind, error }),
    onJobFinished: (job, outcome) => {
      recordJobOutcome(metrics, job.kind, outcome.status);
      recordRemoval(metrics, job, JOB_KINDS);
      const log = outcome.status === "failed" ? logger.warn.bind(logger) : logger.info.bind(logger);
      log("Job finished", {
        job_id: job.job_id,
        kind: job.kind,
        client: job.client,
        ticket: job.ticket,
        status: outcome.status,
        ...(outcome.status === "failed" ? { error_code: outcome.error.code } : {}),
      });
    },
  });
  return createWorkerHandler(service.worker);
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    worker ??= workerFromEnv();
    return worker(event, context);
  });
