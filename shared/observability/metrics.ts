/**
 * The Powertools metrics factory (CloudWatch EMF under namespace `DialpadLifecycle`, dimension
 * `service`), plus the one way to record a job outcome so the `kind` dimension is always spelled the
 * way the dashboard and alarms query it.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { JobKindRegistry } from "../lifecycle/job-kind";
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

/**
 * Emits OffboardsAndDeletions `{service, kind, client}` for a finished job of a kind that takes
 * people away (offboard, delete: `removesPeople` on the kind), so their volume is watched per client.
 */
export function recordRemoval(
  metrics: Metrics,
  job: Pick<Job, "kind" | "client">,
  kinds: Pick<JobKindRegistry, "removesPeople">,
): void {
  if (!kinds.removesPeople(job.kind)) return;
  const single = metrics.singleMetric();
  single.addDimension(DIMENSIONS.kind, job.kind).addDimension(DIMENSIONS.client, job.client);
  single.addMetric(METRIC_NAMES.offboardsAndDeletions, MetricUnit.Count, 1);
}
