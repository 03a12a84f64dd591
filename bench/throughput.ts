/**
 * Benchmark 1, throughput: N onboardings submitted at once through the API function, drained by the
 * worker's event sources against the sandbox (20/s company limit, 150 ± 50 ms latency). Measures
 * how much of the Dialpad budget the pipeline actually uses and whether it ever crosses Dialpad's
 * limit; the same work with a naive client (no shared limiter) is the baseline of the same run.
 */

import { SEAT_READING_MAX_AGE_MS } from "../shared/lifecycle/seat-readings";
import {
  type BenchPipeline,
  type DeployedConfiguration,
  type PipelineVariant,
  startBenchPipeline,
} from "./support/bench-pipeline";
import type { LocalEngines } from "./support/local-stack";
import { fixed, formatTargets, seconds, type TargetCheck, table, target } from "./support/report-format";
import { countsPerBucket, peakInAnySecond, startEventLoopMonitor } from "./support/traffic-figures";
import { workloadFor } from "./support/workload";

export interface ThroughputOptions {
  engines: LocalEngines;
  config: DeployedConfiguration;
  jobs: number;
  /** A run still open after this long is stopped and reported with its unfinished jobs. */
  runTimeoutMs: number;
  log?: (line: string) => void;
}

export interface ThroughputRun {
  label: string;
  jobs: number;
  acceptMs: number;
  wallMs: number;
  dialpadRequests: number;
  expectedRequests: number;
  /** From the first Dialpad request to the last one. */
  busyMs: number;
  achievedRps: number;
  budgetRps: number;
  tooManyRequests: number;
  peakPerSecond: number;
  /** The same peak by the client's send times: above 20 means the limiter granted too much. */
  peakSentPerSecond: number;
  /** When arrivals peaked above the limit: per 100 ms of that span, sends and arrivals. */
  overLimitSpan?: { sent: number[]; arrived: number[] };
  eventLoopDelay: { p99Ms: number; maxMs: number; gcMaxMs: number; gcTotalMs: number };
  succeeded: number;
  failed: number;
  unfinished: number;
  dynamoCalls: { limiter: number; other: number };
  meanLimiterWaitMs: number;
  eventSources: string;
  /** Requests per "METHOD /route", 429s included. */
  requestsByRoute: Record<string, number>;
}

async function runOnce(
  label: string,
  variant: PipelineVariant,
  options: ThroughputOptions,
): Promise<ThroughputRun> {
  const pipeline: BenchPipeline = await startBenchPipeline({
    engines: options.engines,
    variant,
    config: options.config,
    requestLogSize: options.jobs * 40,
  });
  try {
    const workload = workloadFor(pipeline.sandbox.facts);
    const requests = Array.from({ length: options.jobs }, (_, i) => workload.onboard(`tp-${label}`, i));
    await pipeline.sandbox.resetStats();
    const loop = startEventLoopMonitor();
    const startedAt = Date.now();
    await pipeline.startWorkers();
    const jobIds = await pipeline.postAll("onboard", requests);
    const acceptMs = Date.now() - startedAt;
    const open = await pipeline.waitForJobs(jobIds, startedAt + options.runTimeoutMs);
    const wallMs = Date.now() - startedAt;
    const stats = await pipeline.sandbox.stats();
    const eventLoopDelay = loop.stop();

    const arrivals = stats.recentRequests.map((entry) => Date.parse(entry.at));
    const arrivalPeak = peakInAnySecond(arrivals);
    const sentPeak = peakInAnySecond(pipeline.sentAt);
    const span = (times: number[]) => countsPerBucket(times, arrivalPeak.endsAt - 1000, arrivalPeak.endsAt);
    const busyMs = arrivals.length > 1 ? Math.max(...arrivals) - Math.min(...arrivals) : Number.NaN;
    const outcomes = [...pipeline.finished.values()];
    const waits = pipeline.limiterWaits;
    const granted = waits.bulk.count + waits.urgent.count;
    return {
      label,
      jobs: options.jobs,
      acceptMs,
      wallMs,
      dialpadRequests: stats.totalRequests,
      // + the office list (2 pages) + HQ's seat reading, read again whenever it is 30 s old.
      expectedRequests:
        requests.reduce((sum, _, i) => sum + workload.expectedCalls(i), 0) +
        2 +
        Math.floor(busyMs / SEAT_READING_MAX_AGE_MS) +
        1,
      busyMs,
      achievedRps: stats.totalRequests / (busyMs / 1000),
      budgetRps: pipeline.service.budget.effectiveRps,
      tooManyRequests: stats.tooManyRequestsSent,
      peakPerSecond: stats.peakRequestsPerSecond,
      peakSentPerSecond: sentPeak.peak,
      ...(arrivalPeak.peak > 20
        ? { overLimitSpan: { sent: span(pipeline.sentAt), arrived: span(arrivals) } }
        : {}),
      eventLoopDelay,
      requestsByRoute: stats.requestsByRoute,
      succeeded: outcomes.filter((o) => o.status === "succeeded").length,
      failed: outcomes.filter((o) => o.status === "failed").length,
      unfinished: open.length,
      dynamoCalls: { ...pipeline.dynamoCalls },
      meanLimiterWaitMs: granted > 0 ? (waits.bulk.totalMs + waits.urgent.totalMs) / granted : Number.NaN,
      eventSources: Object.entries(pipeline.eventSources)
        .map(([lane, source]) => `${lane} ${source.maxConcurrency}×${source.batchSize}`)
        .join(", "),
    };
  } finally {
    const stopping = Date.now();
    await pipeline.stop();
    options.log?.(`  ${label}: stopped in ${seconds(Date.now() - stopping)}`);
  }
}

export async function runThroughputBenchmark(options: ThroughputOptions) {
  const log = options.log ?? (() => undefined);
  log(`throughput: ${options.jobs} onboardings, shared budget ...`);
  const ours = await runOnce("shared-budget", { dialpad: "shared-budget", lanes: "priority" }, options);
  log(`throughput: ${options.jobs} onboardings, naive unthrottled client ...`);
  const naive = await runOnce("unthrottled", { dialpad: "unthrottled", lanes: "priority" }, options);
  return { ours, naive };
}

export function formatThroughput({ ours, naive }: { ours: ThroughputRun; naive: ThroughputRun }): string {
  const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? "=" : "∞") : `${fixed(a / b)}×`);
  const row = (
    name: string,
    pick: (run: ThroughputRun) => string,
    compare?: (run: ThroughputRun) => number,
  ) => [name, pick(ours), pick(naive), compare ? ratio(compare(ours), compare(naive)) : ""];
  const rows = [
    ["", "shared budget (ours)", "naive: no limiter", "ours / naive"],
    row("event sources (concurrency×batch)", (r) => r.eventSources),
    row("jobs", (r) => String(r.jobs)),
    row("all accepted (202) after", (r) => seconds(r.acceptMs)),
    row(
      "wall time to drain",
      (r) => seconds(r.wallMs),
      (r) => r.wallMs,
    ),
    row(
      "Dialpad requests (expected)",
      (r) => `${r.dialpadRequests} (${r.expectedRequests})`,
      (r) => r.dialpadRequests,
    ),
    row("busy span (first→last request)", (r) => seconds(r.busyMs)),
    row(
      "achieved Dialpad requests/s",
      (r) => fixed(r.achievedRps),
      (r) => r.achievedRps,
    ),
    row("ratio to budget", (r) => `${fixed(r.achievedRps / r.budgetRps)} of ${r.budgetRps}/s`),
    row(
      "429s received",
      (r) => String(r.tooManyRequests),
      (r) => r.tooManyRequests,
    ),
    row(
      "peak requests in any 1 s (arrivals)",
      (r) => String(r.peakPerSecond),
      (r) => r.peakPerSecond,
    ),
    row("peak in any 1 s by client send time", (r) => String(r.peakSentPerSecond)),
    row("jobs succeeded / failed / unfinished", (r) => `${r.succeeded} / ${r.failed} / ${r.unfinished}`),
    row("DynamoDB calls: limiter / other", (r) => `${r.dynamoCalls.limiter} / ${r.dynamoCalls.other}`),
    row("DynamoDB calls per Dialpad request", (r) =>
      fixed((r.dynamoCalls.limiter + r.dynamoCalls.other) / r.dialpadRequests),
    ),
    row("mean limiter wait per request", (r) =>
      Number.isFinite(r.meanLimiterWaitMs) ? `${fixed(r.meanLimiterWaitMs, 0)} ms` : "none",
    ),
  ];
  rows.push(
    row(
      "event-loop delay p99 / max",
      (r) => `${fixed(r.eventLoopDelay.p99Ms, 0)} / ${fixed(r.eventLoopDelay.maxMs, 0)} ms`,
    ),
    row(
      "GC pauses: longest / total",
      (r) => `${fixed(r.eventLoopDelay.gcMaxMs, 0)} / ${fixed(r.eventLoopDelay.gcTotalMs, 0)} ms`,
    ),
  );
  const byRoute = Object.entries(ours.requestsByRoute)
    .sort(([, a], [, b]) => b - a)
    .map(([route, count]) => `${route} ${count}`)
    .join(", ");
  const lines = [
    table(rows),
    "",
    `Shared budget, Dialpad requests by route: ${byRoute}`,
    "",
    "Targets (shared budget):",
    formatTargets(throughputTargets(ours)),
  ];
  if (ours.overLimitSpan) {
    lines.push(
      "",
      "Shared budget: the 1 s span over the limit, per 100 ms (epoch-aligned):",
      `  sent by the clients:     ${ours.overLimitSpan.sent.join(" ")}`,
      `  arrived at the sandbox:  ${ours.overLimitSpan.arrived.join(" ")}`,
    );
  }
  return lines.join("\n");
}

export function throughputTargets(run: ThroughputRun): TargetCheck[] {
  return [
    target(
      "≥ 0.9 of the budget",
      run.achievedRps / run.budgetRps >= 0.9,
      `${fixed(run.achievedRps / run.budgetRps)}`,
    ),
    target("peak ≤ 20 in any 1 s", run.peakPerSecond <= 20, String(run.peakPerSecond)),
    target("zero 429s", run.tooManyRequests === 0, String(run.tooManyRequests)),
    target("every job succeeded", run.succeeded === run.jobs, `${run.succeeded}/${run.jobs}`),
  ];
}
