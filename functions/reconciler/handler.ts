/**
 * Lambda entry of the scheduled drift reconciliation (daily, EventBridge Scheduler): creates a
 * report and runs it here (the function has 15 minutes; on-demand runs go through the worker),
 * then emits DriftFound and logs the counts. Answers the report's id, status and counts.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import { CloudWatchDialpadMetricsHook } from "../../shared/observability/dialpad-metrics-hook";
import { createLogger } from "../../shared/observability/logger";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
import { createMetrics } from "../../shared/observability/metrics";
import { createTracer } from "../../shared/observability/tracing";
import type { DriftCounts } from "../../shared/reconcile/drift-report";
import { reconcileNow } from "../../shared/reconcile/run-reconciliation";
import { reconcileDepsFromEnv } from "../../shared/wiring/from-env";

const logger = createLogger({ component: "reconciler" });
const metrics = createMetrics();
const tracer = createTracer();

export interface ReconcileSummary {
  report_id: string;
  status: string;
  counts?: DriftCounts;
}

export type Reconciler = () => Promise<ReconcileSummary>;

export function reconcilerFromEnv(env: NodeJS.ProcessEnv = process.env): Reconciler {
  const deps = reconcileDepsFromEnv(env, {
    tracer,
    metrics: new CloudWatchDialpadMetricsHook(metrics),
    onLimiterWait: (ms) => metrics.addMetric(METRIC_NAMES.rateLimiterWaitMs, MetricUnit.Milliseconds, ms),
    onDriftFound: (driftedUsers) =>
      metrics.addMetric(METRIC_NAMES.driftFound, MetricUnit.Count, driftedUsers),
  });
  return async () => {
    const report = await reconcileNow(deps);
    return {
      report_id: report.report_id,
      status: report.status,
      ...(report.findings ? { counts: report.findings.counts } : {}),
    };
  };
}

let reconcile: Reconciler | undefined;

export const handler = middy<unknown, ReconcileSummary>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(logMetrics(metrics))
  .handler(async () => {
    reconcile ??= reconcilerFromEnv();
    const summary = await reconcile();
    logger.info("Reconciliation finished", { ...summary });
    return summary;
  });
