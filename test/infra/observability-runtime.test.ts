/**
 * The runtime side of observability: the Dialpad metrics hook, the job-outcome and removal-volume
 * helpers, checked on the EMF documents a real Powertools `Metrics` instance produces.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { CloudWatchDialpadMetricsHook } from "../../shared/observability/dialpad-metrics-hook";
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME } from "../../shared/observability/metric-names";
import { createMetrics, recordJobOutcome, recordRemoval } from "../../shared/observability/metrics";

type Emf = Record<string, unknown> & {
  _aws: {
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
};

afterEach(() => {
  vi.restoreAllMocks();
});

const sample = (status: number | "timeout" | "network_error", latencyMs = 120) => ({
  method: "GET",
  route: "/users/{id}",
  status,
  latencyMs,
  attempt: 1,
});

describe("CloudWatchDialpadMetricsHook", () => {
  it("counts every exchange, records its latency, and counts 429s and server errors apart", () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    const hook = new CloudWatchDialpadMetricsHook(metrics);
    hook.onResponse(sample(200, 100));
    hook.onResponse(sample(429, 40));
    hook.onResponse(sample(503, 300));
    hook.onResponse(sample("timeout", 10_000));
    hook.onResponse(sample(404, 90));

    const emf = metrics.serializeMetrics() as unknown as Emf;
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS_NAMESPACE);
    expect(emf[METRIC_NAMES.dialpadRequests]).toEqual([1, 1, 1, 1, 1]);
    expect(emf[METRIC_NAMES.dialpadLatency]).toEqual([100, 40, 300, 10_000, 90]);
    expect(emf[METRIC_NAMES.dialpad429s]).toBe(1);
    expect(emf[METRIC_NAMES.dialpadServerErrors]).toEqual([1, 1]);
    expect(emf.service).toBe(SERVICE_NAME);
    const units = Object.fromEntries(emf._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]));
    expect(units[METRIC_NAMES.dialpadLatency]).toBe("Milliseconds");
  });

  it("never puts the route, and so no id or email, into a dimension", () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    new CloudWatchDialpadMetricsHook(metrics).onResponse(sample(200));
    const emf = metrics.serializeMetrics() as unknown as Emf;
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service"]]);
  });
});

/** The EMF documents `emit` writes at once (Powertools writes through its own Console on stdout). */
function emittedBy(emit: () => void): Emf[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    emit();
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
  return lines.filter((line) => line.includes("_aws")).map((line) => JSON.parse(line) as Emf);
}

describe("recordJobOutcome", () => {
  it("emits the outcome at once with dimensions {service, kind}, leaving the buffer untouched", () => {
    const metrics = createMetrics();
    const emitted = emittedBy(() => recordJobOutcome(metrics, "offboard", "failed"));
    expect(emitted).toHaveLength(1);
    const [emf] = emitted;
    expect(emf?.[METRIC_NAMES.jobsFailed]).toBe(1);
    expect(emf?.kind).toBe("offboard");
    expect(emf?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "kind"]]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});

describe("recordRemoval", () => {
  it("counts offboard and delete jobs per client, {service, kind, client}, and no other kind", () => {
    const metrics = createMetrics();
    const emitted = emittedBy(() => {
      recordRemoval(metrics, { kind: "offboard", client: "ticketing" }, JOB_KINDS);
      recordRemoval(metrics, { kind: "delete", client: "sweeper" }, JOB_KINDS);
      recordRemoval(metrics, { kind: "onboard", client: "ticketing" }, JOB_KINDS);
    });
    expect(emitted.map((emf) => [emf.kind, emf.client, emf[METRIC_NAMES.offboardsAndDeletions]])).toEqual([
      ["offboard", "ticketing", 1],
      ["delete", "sweeper", 1],
    ]);
    for (const emf of emitted)
      expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "kind", "client"]]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
