/**
 * The Powertools metrics factory (CloudWatch EMF under namespace `DialpadLifecycle`, dimension
 * `service`), plus the one way to record a job outcome so the `kind` dimension is always spelled the
 * way the dashboard and alarms query it.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Job, JobKind } from "../lifecycle/model";
import { DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME } from "./metric-names";

export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
}

export type JobOutcome = "succeeded" | "failed" | "cancelled";

const OUTCOME_METRIC: Record<JobOutcome, string> = {
  succeeded: METRIC_NAMES.jobsSucceeded,
  failed: METRIC_NAMES.jobsFailed,
  cancelled: METRIC_NAMES.jobsCancelled,
};

/**
 * Emits JobsSucceeded/JobsFailed/JobsCancelled with dimensions `{service, kind}`. A single-metric
 * instance is used so the `kind` dimension does not leak onto the function's other buffered metrics.
 */
export function recordJobOutcome(metrics: Metrics, kind: JobKind, outcome: JobOutcome): void {
  const single = metrics.singleMetric();
  single.addDimension(DIMENSIONS.kind, kind);
  single.addMetric(OUTCOME_METRIC[outcome], MetricUnit.Count, 1);
}

/** The kinds that take people away: their volume is watched per client. */
const REMOVAL_KINDS: readonly JobKind[] = ["offboard", "delete"];

/** Emits OffboardsAndDeletions `{service, kind, client}` for a finished offboard or delete job. */
export function recordRemoval(metrics: Metrics, job: Pick<Job, "kind" | "client">): void {
  if (!REMOVAL_KINDS.includes(job.kind)) return;
  const single = metrics.singleMetric();
  single.addDimension(DIMENSIONS.kind, job.kind).addDimension(DIMENSIONS.client, job.client);
  single.addMetric(METRIC_NAMES.offboardsAndDeletions, MetricUnit.Count, 1);
}
