/**
 * Benchmark 0, close to the limit: 400 plain onboardings (office id given, no number, no call
 * centers) drained against the sandbox (Dialpad's 20 in any sliding second, 150 ± 100 ms latency)
 * at a budget of 19/s, while people onboarded beforehand are offboarded one after another through
 * the urgent lane. The same run at the default 15/s is the reference of the same report.
 *
 * Figures: the share of the budget used over the busy span, 429s, the most arrivals in any sliding
 * second (Dialpad's rule) and the most sends, Dialpad calls per onboarding (bulk-lane grants / jobs:
 * look-up, create and the shared seat reads), and POST /v1/offboard → user suspended during the
 * backlog (the sandbox's user state polled every 10 ms).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import type { OnboardRequest } from "../shared/lifecycle/model";
import { slotSpacingMs } from "../shared/ratelimit/slot-planner";
import { DEFAULT_THROTTLE_POLICY, UNTHROTTLED_STATE } from "../shared/ratelimit/throttle-state";
import {
  type DeployedConfiguration,
  deployedConfiguration,
  startBenchPipeline,
} from "./support/bench-pipeline";
import { type DrainRequest, drainSvg } from "./support/drain-svg";
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
import {
  peakInAnySecond,
  type RateByPhase,
  rateByPhase,
  startEventLoopMonitor,
} from "./support/traffic-figures";

export interface NearLimitOptions {
  engines: LocalEngines;
  /**
   * The runs, in this order. Default: 19/s as deployed (every invocation in this process); 19/s
   * with each invocation a process of its own, as Lambda runs them; 19/s with no batching window on
   * the bulk event source (the baseline: a burst's first records start one-record invocations); the
   * default 15/s.
   */
  variants?: readonly NearLimitVariant[];
  onboardings: number;
  offboards: number;
  /** The first offboard goes this long after the backlog starts, then one every `spacingMs`. */
  firstOffboardMs: number;
  spacingMs: number;
  runTimeoutMs: number;
  /** Where a picture of each run's drain goes (`near-limit-<label>.svg`; none when absent). */
  svgDir?: string;
  log?: (line: string) => void;
}

export interface NearLimitVariant {
  budgetRps: number;
  /** Overrides the bulk event source's batching window (default: the stack's). */
  bulkBatchingWindowSeconds?: number;
  /** One process for every invocation (default), or one per concurrent invocation. */
  processes?: "one" | "per-invocation";
  /**
   * How the 400 arrive: `in-process` (default), the API function called in the bench process by 50
   * callers; `http`, 25 callers over HTTP through the local HTTP front (API Gateway's stand-in), the
   * way ticketing systems submit, on the same machine while the workers drain.
   */
  submit?: "in-process" | "http";
  /** A process spinning on one core beside the run (a crowded CPU). */
  cpuHog?: boolean;
}

/**
 * The deployed shape under pressure: a process per invocation, the submissions arriving over HTTP
 * while the workers drain, then the same with a CPU hog beside it (`npm run bench -- --only=drain`).
 */
export const DRAIN_VARIANTS: readonly NearLimitVariant[] = [
  { budgetRps: 19, processes: "per-invocation", submit: "http" },
  { budgetRps: 19, processes: "per-invocation", submit: "http", cpuHog: true },
];

/** Callers submitting over HTTP at once. */
const HTTP_SUBMITTERS = 25;

export interface NearLimitRun {
  label: string;
  /** The column heading. */
  title: string;
  variant: NearLimitVariant;
  budgetRps: number;
  jobs: number;
  succeeded: number;
  unfinished: number;
  busyMs: number;
  dialpadRequests: number;
  achievedRps: number;
  /** The rate over the busy span's first 5 s, its middle and its last 5 s: where the budget went unused. */
  phases: RateByPhase;
  tooManyRequests: number;
  peakArrivals: number;
  peakSends: number;
  /** Bulk-lane grants (one per Dialpad request attempt) per onboarding. */
  callsPerOnboarding: number;
  requestsByRoute: Record<string, number>;
  /** Conditional writes and reads of the rate budget's item, per Dialpad request. */
  limiterWritesPerRequest: number;
  limiterReadsPerRequest: number;
  /** Mean wait for a slot, bulk lane; and slots given up by callers released too late. */
  meanBulkWaitMs: number;
  missedSlots: number;
  offboardMs: number[];
  suspended: number;
  offboards: number;
  /** Backlog jobs still open when each offboard was posted (min … max). */
  backlogLeftAtOffboards: [number, number];
  eventLoopDelay: { p99Ms: number; maxMs: number };
  /** `uptime` at the start and the end of the run (the machine is shared). */
  load: string;
  loadAtEnd: string;
  /** First submit → last job seen done (polled every 50 ms), and the budget's share over that span. */
  endToEndMs: number;
  endToEndShare: number;
  /** First submit → first Dialpad request, and last Dialpad request → last job seen done. */
  firstRequestAfterMs: number;
  lastRequestBeforeEndMs: number;
  /** First submit → the last of the onboardings accepted (202). */
  acceptedMs: number;
}

/** The start and the end of the busy span, reported apart from its middle. */
const PHASE_EDGE_MS = 5000;

/** Dialpad's simulated response time for this benchmark: 150 ± 100 ms. */
const LATENCY = { meanMs: 150, jitterMs: 100 };

const plainOnboarding = (prefix: string, index: number, officeId: string): OnboardRequest => {
  const n = String(index).padStart(4, "0");
  return {
    email: `${prefix}-${n}@example.com`,
    first_name: "Bench",
    last_name: `User ${n}`,
    office_id: officeId,
    license: "talk",
    admin_type: "none",
    call_center_ids: [],
  };
};

const hostLoad = () =>
  `load average: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(", ")}`;

async function runOnce(
  label: string,
  title: string,
  variant: NearLimitVariant,
  config: DeployedConfiguration,
  options: NearLimitOptions,
): Promise<NearLimitRun> {
  const pipeline = await startBenchPipeline({
    engines: options.engines,
    variant: { dialpad: "shared-budget", lanes: "priority", processes: variant.processes ?? "one" },
    config,
    requestLogSize: options.onboardings * 4 + options.offboards * 10,
    latency: LATENCY,
  });
  let hog: ChildProcess | undefined;
  try {
    const { sandbox } = pipeline;
    const officeId = sandbox.facts.hqOfficeId;
    await pipeline.startWorkers();
    const over = variant.submit ?? "in-process";
    const leavers = Array.from({ length: options.offboards }, (_, i) =>
      plainOnboarding(`leaver-${label}`, i, officeId),
    );
    const ready =
      over === "http"
        ? await pipeline.postAll("onboard", leavers, HTTP_SUBMITTERS, "http")
        : await pipeline.postAll("onboard", leavers);
    if ((await pipeline.waitForJobs(ready, Date.now() + 120_000)).length > 0)
      throw new Error("the people to offboard were not onboarded in time");

    // A process spinning on one core: the bench's own work, the engines and the workers share the other.
    hog = variant.cpuHog ? spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }) : undefined;
    const load = hostLoad();
    await pipeline.flush();
    await sandbox.resetStats();
    pipeline.limiterWaits.bulk = { count: 0, totalMs: 0 };
    pipeline.limiterWaits.urgent = { count: 0, totalMs: 0 };
    pipeline.missedSlots.count = 0;
    const limiterCallsBefore = pipeline.dynamoCalls.limiter;
    const limiterReadsBefore = pipeline.dynamoCalls.limiterReads;
    const sentBefore = pipeline.sentAt.length;
    const loop = startEventLoopMonitor();
    const finishedBefore = pipeline.finished.size;
    const startedAt = Date.now();
    const bodies = Array.from({ length: options.onboardings }, (_, i) =>
      plainOnboarding(`near-${label}`, i, officeId),
    );
    const posting =
      over === "http"
        ? pipeline.postAll("onboard", bodies, HTTP_SUBMITTERS, "http")
        : pipeline.postAll("onboard", bodies);
    let acceptedMs = Number.NaN;
    // Rejections are seen where `posting` is awaited.
    void posting.then(
      () => {
        acceptedMs = Date.now() - startedAt;
      },
      () => undefined,
    );

    // Offboards during the backlog, each timed from its POST to the user being suspended in Dialpad.
    const samples: OffboardSample[] = leavers.map((person) => ({
      email: person.email,
      postedAt: 0,
      suspendedAt: 0,
    }));
    const backlogLeft: number[] = [];
    const watch = watchSuspensions(sandbox, samples);
    const posts: Promise<string>[] = [];
    for (const [i, sample] of samples.entries()) {
      const due = startedAt + options.firstOffboardMs + i * options.spacingMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      // Jobs finished since the backlog started (a few offboards among them): the backlog left, give or take those.
      backlogLeft.push(options.onboardings - (pipeline.finished.size - finishedBefore));
      sample.postedAt = Date.now();
      posts.push(
        over === "http"
          ? pipeline.postOverHttp("offboard", { email: sample.email })
          : pipeline.post("offboard", { email: sample.email }),
      );
    }
    const jobIds = await posting;
    await Promise.all(posts);
    const open = await pipeline.waitForJobs(jobIds, startedAt + options.runTimeoutMs);
    const doneAt = Date.now();
    const settleUntil = Date.now() + 10_000;
    while (samples.some((s) => s.suspendedAt === 0) && Date.now() < settleUntil)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await watch.stop();
    const endAt = Date.now();
    const eventLoopDelay = loop.stop();
    const loadAtEnd = hostLoad();
    hog?.kill();
    await pipeline.flush();
    const stats = await sandbox.stats();

    const arrivals = stats.recentRequests.map((entry) => Date.parse(entry.at));
    if (options.svgDir) {
      // An offboard's requests: the look-up by a leaver's email and the suspension.
      const urgent = (entry: (typeof stats.recentRequests)[number]) =>
        (entry.query.email ?? "").startsWith("leaver-") ||
        (typeof entry.body === "object" &&
          entry.body !== null &&
          (entry.body as { state?: unknown }).state === "suspended");
      const requests: DrainRequest[] = stats.recentRequests.map((entry) => ({
        at: Date.parse(entry.at),
        status: entry.status ?? 0,
        urgent: urgent(entry),
      }));
      writeFileSync(
        `${options.svgDir}/near-limit-${label}.svg`,
        drainSvg({
          title: `${options.onboardings} onboardings, ${title}, ${options.offboards} offboards (${load})`,
          budgetPerSecond: config.budgetRps,
          limitPerSecond: 20,
          requests,
        }),
      );
    }
    const [firstArrival, lastArrival] = [Math.min(...arrivals), Math.max(...arrivals)];
    const busyMs = arrivals.length > 1 ? lastArrival - firstArrival : Number.NaN;
    const endToEndMs = doneAt - startedAt;
    const succeeded = jobIds.filter((id) => pipeline.finished.get(id)?.status === "succeeded").length;
    return {
      label,
      title,
      variant,
      budgetRps: config.budgetRps,
      jobs: options.onboardings,
      succeeded,
      unfinished: open.length,
      busyMs,
      dialpadRequests: stats.totalRequests,
      achievedRps: stats.totalRequests / (busyMs / 1000),
      phases: rateByPhase(arrivals, PHASE_EDGE_MS),
      tooManyRequests: stats.tooManyRequestsSent,
      peakArrivals: stats.peakRequestsPerSecond,
      peakSends: peakInAnySecond(pipeline.sentAt.slice(sentBefore)).peak,
      callsPerOnboarding: pipeline.limiterWaits.bulk.count / options.onboardings,
      requestsByRoute: stats.requestsByRoute,
      limiterWritesPerRequest:
        (pipeline.dynamoCalls.limiter -
          limiterCallsBefore -
          (pipeline.dynamoCalls.limiterReads - limiterReadsBefore)) /
        stats.totalRequests,
      limiterReadsPerRequest: (pipeline.dynamoCalls.limiterReads - limiterReadsBefore) / stats.totalRequests,
      meanBulkWaitMs: pipeline.limiterWaits.bulk.totalMs / pipeline.limiterWaits.bulk.count,
      missedSlots: pipeline.missedSlots.count,
      offboardMs: samples.map((s) => (s.suspendedAt || endAt) - s.postedAt),
      suspended: samples.filter((s) => s.suspendedAt !== 0).length,
      offboards: samples.length,
      backlogLeftAtOffboards: [Math.min(...backlogLeft), Math.max(...backlogLeft)],
      eventLoopDelay,
      load,
      loadAtEnd,
      endToEndMs,
      endToEndShare: stats.totalRequests / ((endToEndMs / 1000) * config.budgetRps),
      firstRequestAfterMs: firstArrival - startedAt,
      acceptedMs,
      lastRequestBeforeEndMs: doneAt - lastArrival,
    };
  } finally {
    hog?.kill();
    await pipeline.stop();
  }
}

export async function runNearLimitBenchmark(options: NearLimitOptions) {
  const log = options.log ?? (() => undefined);
  const runs: NearLimitRun[] = [];
  const variants = options.variants ?? [
    { budgetRps: 19 },
    ...DRAIN_VARIANTS,
    { budgetRps: 19, bulkBatchingWindowSeconds: 0 },
    { budgetRps: 15 },
  ];
  for (const variant of variants) {
    const deployed = deployedConfiguration({
      ...process.env,
      DIALPAD_RATE_LIMIT_RPS: String(variant.budgetRps),
    });
    const window = variant.bulkBatchingWindowSeconds;
    const config: DeployedConfiguration =
      window === undefined
        ? deployed
        : {
            ...deployed,
            eventSources: {
              ...deployed.eventSources,
              bulk: { ...deployed.eventSources.bulk, batchingWindowSeconds: window },
            },
          };
    const perInvocation = variant.processes === "per-invocation";
    const http = variant.submit === "http";
    const label = `${variant.budgetRps}rps${window === undefined ? "" : `-window${window}`}${perInvocation ? "-apart" : ""}${http ? "-http" : ""}${variant.cpuHog ? "-hog" : ""}`;
    const title = `budget ${variant.budgetRps}/s${window === undefined ? "" : `, bulk window ${window} s`}${perInvocation ? ", process per invocation" : ""}${http ? ", submitted over HTTP" : ""}${variant.cpuHog ? ", CPU hog" : ""}`;
    log(
      `near the limit: ${options.onboardings} plain onboardings, ${title}, ${options.offboards} offboards ...`,
    );
    runs.push(await runOnce(label, title, variant, config, options));
  }
  return runs;
}

const plannerAt = (budgetRps: number) => ({ budgetRps, policy: DEFAULT_THROTTLE_POLICY });

export function formatNearLimit(runs: readonly NearLimitRun[]): string {
  const row = (name: string, pick: (run: NearLimitRun) => string) => [name, ...runs.map(pick)];
  const bound = (run: NearLimitRun) => (run.suspended < run.offboards ? "≥ " : "");
  const rows = [
    ["", ...runs.map((run) => run.title)],
    row("jobs succeeded / unfinished", (r) => `${r.succeeded}/${r.jobs} / ${r.unfinished}`),
    row("busy span (first→last request)", (r) => seconds(r.busyMs)),
    row("Dialpad requests", (r) => String(r.dialpadRequests)),
    row("achieved requests/s", (r) => fixed(r.achievedRps)),
    row("share of the budget used (busy span)", (r) => fixed(r.achievedRps / r.budgetRps)),
    row("end to end: first submit → last job seen done", (r) => seconds(r.endToEndMs)),
    row("  first submit → all onboardings accepted", (r) => seconds(r.acceptedMs)),
    row("share of the budget end to end", (r) => fixed(r.endToEndShare)),
    row(
      "first request after first submit / last before end",
      (r) => `${seconds(r.firstRequestAfterMs)} / ${seconds(r.lastRequestBeforeEndMs)}`,
    ),
    row(
      "  req/s: first 5 s / middle / last 5 s",
      (r) => `${fixed(r.phases.start)} / ${fixed(r.phases.middle)} / ${fixed(r.phases.end)}`,
    ),
    row("  most the slot spacing allows", (r) =>
      fixed(1000 / slotSpacingMs(plannerAt(r.budgetRps), UNTHROTTLED_STATE, 0)),
    ),
    row("429s received", (r) => String(r.tooManyRequests)),
    row("peak in any 1 s: arrivals / sends", (r) => `${r.peakArrivals} / ${r.peakSends}`),
    row("Dialpad calls per onboarding", (r) => fixed(r.callsPerOnboarding)),
    row(
      "limiter DynamoDB writes / reads per request",
      (r) => `${fixed(r.limiterWritesPerRequest)} / ${fixed(r.limiterReadsPerRequest)}`,
    ),
    row("mean wait for a slot (bulk)", (r) => `${fixed(r.meanBulkWaitMs, 0)} ms`),
    row("slots given up (caller released late)", (r) => String(r.missedSlots)),
    row("offboards suspended", (r) => `${r.suspended} of ${r.offboards}`),
    row(
      "backlog left at the offboards",
      (r) => `${r.backlogLeftAtOffboards[1]}…${r.backlogLeftAtOffboards[0]}`,
    ),
    row(
      "offboard → suspended p50 / p99",
      (r) =>
        `${bound(r)}${seconds(percentile(r.offboardMs, 50))} / ${bound(r)}${seconds(percentile(r.offboardMs, 99))}`,
    ),
    row(
      "event-loop delay p99 / max",
      (r) => `${fixed(r.eventLoopDelay.p99Ms, 0)} / ${fixed(r.eventLoopDelay.maxMs, 0)} ms`,
    ),
  ];
  const lines = [table(rows), ""];
  for (const run of runs) {
    const byRoute = Object.entries(run.requestsByRoute)
      .sort(([, a], [, b]) => b - a)
      .map(([route, count]) => `${route} ${count}`)
      .join(", ");
    lines.push(
      `${run.title}: requests by route: ${byRoute}`,
      `${run.title}: host at start: ${run.load}; at end: ${run.loadAtEnd}`,
    );
  }
  const first = runs[0];
  const baseline = runs.find(
    (run) => run.variant.bulkBatchingWindowSeconds === 0 && run.budgetRps === first?.budgetRps,
  );
  if (first && baseline)
    lines.push(
      "",
      `${first.title} against ${baseline.title}: share ${fixed(first.achievedRps / first.budgetRps)} vs ` +
        `${fixed(baseline.achievedRps / baseline.budgetRps)}, busy span ${fixed(first.busyMs / baseline.busyMs)}×, ` +
        `first 5 s ${fixed(first.phases.start / baseline.phases.start)}× the rate`,
    );
  // The targets hold for the deployed settings, whichever way the invocations share processes.
  for (const run of runs.filter(
    (run) => run.budgetRps === first?.budgetRps && run.variant.bulkBatchingWindowSeconds === undefined,
  ))
    lines.push("", `Targets (${run.title}):`, formatTargets(nearLimitTargets(run)));
  return lines.join("\n");
}

function nearLimitTargets(run: NearLimitRun): TargetCheck[] {
  const p99 = percentile(run.offboardMs, 99);
  return [
    target(
      "≥ 0.95 of the budget",
      run.achievedRps / run.budgetRps >= 0.95,
      fixed(run.achievedRps / run.budgetRps),
    ),
    ...(run.variant.submit === "http"
      ? [target("≥ 0.92 of the budget end to end", run.endToEndShare >= 0.92, fixed(run.endToEndShare))]
      : []),
    target("zero 429s", run.tooManyRequests === 0, String(run.tooManyRequests)),
    target("peak ≤ 20 in every sliding second (arrivals)", run.peakArrivals <= 20, String(run.peakArrivals)),
    target(
      "≤ 2.2 Dialpad calls per onboarding",
      run.callsPerOnboarding <= 2.2,
      fixed(run.callsPerOnboarding),
    ),
    target(
      "urgent offboard suspended p99 < 2 s",
      run.suspended === run.offboards && p99 < 2000,
      `${run.suspended < run.offboards ? "≥ " : ""}${seconds(p99)}`,
    ),
    target("every job succeeded", run.succeeded === run.jobs, `${run.succeeded}/${run.jobs}`),
  ];
}
