/**
 * Benchmark 2, offboard urgency: people onboarded beforehand are offboarded (POST /v1/offboard
 * through the API function) one after another while a bulk backlog of N onboardings drains; each
 * sample is the time from the POST to the user being suspended in the sandbox (its state polled
 * every 10 ms; it changes when the sandbox applies the PATCH, before the answer's latency).
 * The baseline of the same run sends urgent work through the bulk queue and limiter lane (no
 * priority); its offboards wait behind the backlog, so samples still open at the deadline are
 * reported as lower bounds ("≥").
 */
import {
  type DeployedConfiguration,
  type PipelineVariant,
  startBenchPipeline,
} from "./support/bench-pipeline";
import type { LocalEngines } from "./support/local-stack";
import {
  fixed,
  formatTargets,
  percentile,
  seconds,
  type TargetCheck,
  table,
  target,
} from "./support/report-format";
import { type OffboardSample, watchSuspensions } from "./support/suspension-watch";
import { workloadFor } from "./support/workload";

export interface UrgencyOptions {
  engines: LocalEngines;
  config: DeployedConfiguration;
  /** The bulk backlog submitted before the first offboard. */
  backlog: number;
  offboards: number;
  /** Time between two offboards. */
  spacingMs: number;
  /** After the last offboard, how long a run waits for the rest to be suspended. */
  settleMs: number;
  log?: (line: string) => void;
}

export interface UrgencyRun {
  label: string;
  description: string;
  backlog: number;
  /** Backlog jobs not yet finished when the first offboard was sent. */
  backlogLeftAtFirstOffboard: number;
  backlogLeftAtEnd: number;
  /** ms from POST to suspended; a sample still open at the deadline counts its wait so far. */
  samplesMs: number[];
  suspended: number;
  offboards: number;
  spanMs: number;
  tooManyRequests: number;
  peakPerSecond: number;
}

async function runOnce(
  label: string,
  description: string,
  variant: PipelineVariant,
  options: UrgencyOptions,
) {
  const pipeline = await startBenchPipeline({ engines: options.engines, variant, config: options.config });
  try {
    const { sandbox } = pipeline;
    const workload = workloadFor(sandbox.facts);
    const { support, sales } = workload.callCenters;
    await pipeline.startWorkers();

    // The people to offboard: onboarded through the pipeline, operators of both call centers.
    const people = Array.from({ length: options.offboards }, (_, i) => ({
      ...workload.onboard(`leaver-${label}`, i),
      area_code: undefined,
      extension: undefined,
      admin_type: "none" as const,
      call_center_ids: [support, sales],
    }));
    const onboarded = await pipeline.postAll("onboard", people);
    const notReady = await pipeline.waitForJobs(onboarded, Date.now() + 120_000);
    if (notReady.length > 0)
      throw new Error(`${notReady.length} people to offboard were not onboarded in time`);

    await sandbox.resetStats();
    const backlogBodies = Array.from({ length: options.backlog }, (_, i) =>
      workload.onboard(`backlog-${label}`, i),
    );
    const backlogIds = await pipeline.postAll("onboard", backlogBodies);
    const backlogLeft = () => backlogIds.filter((id) => !pipeline.finished.has(id)).length;
    const backlogLeftAtFirstOffboard = backlogLeft();

    const samples: OffboardSample[] = people.map((person) => ({
      email: person.email,
      postedAt: 0,
      suspendedAt: 0,
    }));
    const watch = watchSuspensions(sandbox, samples);
    const firstAt = Date.now();
    const posts: Promise<string>[] = [];
    for (const [i, sample] of samples.entries()) {
      const due = firstAt + i * options.spacingMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      sample.postedAt = Date.now();
      posts.push(pipeline.post("offboard", { email: sample.email }));
    }
    await Promise.all(posts);
    const deadline = Date.now() + options.settleMs;
    while (samples.some((s) => s.suspendedAt === 0) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await watch.stop();
    const endAt = Date.now();
    const stats = await sandbox.stats();
    return {
      label,
      description,
      backlog: options.backlog,
      backlogLeftAtFirstOffboard,
      backlogLeftAtEnd: backlogLeft(),
      samplesMs: samples.map((s) => (s.suspendedAt || endAt) - s.postedAt),
      suspended: samples.filter((s) => s.suspendedAt !== 0).length,
      offboards: samples.length,
      spanMs: endAt - firstAt,
      tooManyRequests: stats.tooManyRequestsSent,
      peakPerSecond: stats.peakRequestsPerSecond,
    } satisfies UrgencyRun;
  } finally {
    const stopping = Date.now();
    await pipeline.stop();
    options.log?.(`  ${label}: stopped in ${seconds(Date.now() - stopping)}`);
  }
}

export async function runUrgencyBenchmark(options: UrgencyOptions) {
  const log = options.log ?? (() => undefined);
  const what = `${options.offboards} offboards every ${seconds(options.spacingMs)} during a backlog of ${options.backlog}`;
  log(`offboard urgency: ${what}, urgent lane ...`);
  const ours = await runOnce(
    "urgent-lane",
    "urgent queue + limiter reserve",
    { dialpad: "shared-budget", lanes: "priority" },
    options,
  );
  log(`offboard urgency: ${what}, no priority ...`);
  const shared = await runOnce(
    "no-priority",
    "offboards on the bulk queue and lane",
    { dialpad: "shared-budget", lanes: "single" },
    options,
  );
  return { ours, shared };
}

export function formatUrgency({ ours, shared }: { ours: UrgencyRun; shared: UrgencyRun }): string {
  // A sample still open at the deadline is only a lower bound.
  const bound = (run: UrgencyRun) => (run.suspended < run.offboards ? "≥ " : "");
  const pct = (run: UrgencyRun, p: number) => `${bound(run)}${seconds(percentile(run.samplesMs, p))}`;
  const row = (name: string, pick: (run: UrgencyRun) => string) => [name, pick(ours), pick(shared)];
  const rows = [
    ["POST /v1/offboard → user suspended", "urgent lane (ours)", "no priority (baseline)"],
    row("set-up", (r) => r.description),
    row("backlog left at first offboard", (r) => `${r.backlogLeftAtFirstOffboard} of ${r.backlog}`),
    row("backlog left at the end", (r) => String(r.backlogLeftAtEnd)),
    row("offboards suspended", (r) => `${r.suspended} of ${r.offboards}`),
    row("p50", (r) => pct(r, 50)),
    row("p95", (r) => pct(r, 95)),
    row("p99", (r) => pct(r, 99)),
    row("max", (r) => pct(r, 100)),
    row("429s received", (r) => String(r.tooManyRequests)),
    row("peak requests in any 1 s", (r) => String(r.peakPerSecond)),
  ];
  const p99 = percentile(ours.samplesMs, 99);
  const ratio = percentile(shared.samplesMs, 50) / percentile(ours.samplesMs, 50);
  return [
    table(rows),
    "",
    `Baseline p50 / ours p50: ${bound(shared)}${fixed(ratio, 0)}×`,
    "Targets (urgent lane):",
    formatTargets(urgencyTargets(ours, p99)),
  ].join("\n");
}

function urgencyTargets(run: UrgencyRun, p99: number): TargetCheck[] {
  return [
    target("every offboard suspended", run.suspended === run.offboards, `${run.suspended}/${run.offboards}`),
    target("p99 < 5 s", run.suspended === run.offboards && p99 < 5000, `${bound99(run)}${seconds(p99)}`),
    target("zero 429s", run.tooManyRequests === 0, String(run.tooManyRequests)),
  ];
}

const bound99 = (run: UrgencyRun) => (run.suspended < run.offboards ? "≥ " : "");
