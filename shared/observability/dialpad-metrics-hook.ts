/**
 * The `DialpadMetricsHook` the Dialpad client reports to: one request count and one latency sample
 * per exchange, plus a 429 count and a server-error count, all into the function's buffered EMF
 * metrics (flushed by the handler's Powertools middleware). The route template is deliberately not a
 * dimension: it would multiply the metric count, and the logs already carry it.
 */
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DialpadMetricsHook } from "../dialpad/api";
import { METRIC_NAMES } from "./metric-names";

type MetricsSink = Pick<Metrics, "addMetric">;

export class CloudWatchDialpadMetricsHook implements DialpadMetricsHook {
  constructor(private readonly metrics: MetricsSink) {}

  onResponse(sample: Parameters<DialpadMetricsHook["onResponse"]>[0]): void {
    this.metrics.addMetric(METRIC_NAMES.dialpadRequests, MetricUnit.Count, 1);
    this.metrics.addMetric(METRIC_NAMES.dialpadLatency, MetricUnit.Milliseconds, sample.latencyMs);
    if (sample.status === 429) {
      this.metrics.addMetric(METRIC_NAMES.dialpad429s, MetricUnit.Count, 1);
    } else if (typeof sample.status !== "number" || sample.status >= 500) {
      this.metrics.addMetric(METRIC_NAMES.dialpadServerErrors, MetricUnit.Count, 1);
    }
  }
}
