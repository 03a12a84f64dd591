/**
 * Benchmark 7, another integration on the same company limit: 400 plain onboardings at a budget of
 * 19/s against the sandbox (20 in any sliding second, 150 ± 100 ms) while its simulated neighbour
 * spends part of the limit (steady 5/s, or 15 at once every 3 s), then stops midway.
 *
 * Figures: 429s as a share of our requests, jobs succeeded, the share of what the neighbour leaves
 * (20 less its average 5/s) that we used while it ran, and how long after it stopped our arrivals
 * first reached 0.9 of the budget in a sliding second. A picture of each drain goes to docs/img/.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import type { NeighbourMode } from "../local/sandbox/traffic/neighbour";
import type { OnboardRequest } from "../shared/lifecycle/model";
import { deployedConfiguration, startBenchPipeline } from "./support/bench-pipeline";
import { drainSvg } from "./support/drain-svg";
import type { LocalEngines } from "./support/local-stack";
import { fixed, seconds, table } from "./support/report-format";

export interface NeighbourBenchOptions {
  engines: LocalEngines;
  onboardings: number;
  modes: readonly Exclude<NeighbourMode, "off">[];
  /** The neighbour is turned off this long after the backlog is submitted. */
  neighbourOffAfterMs: number;
  runTimeoutMs: number;
  /** Where the drain pictures go (none when absent). */
  svgDir?: string;
  log?: (line: string) => void;
}

export interface NeighbourRun {
  mode: Exclude<NeighbourMode, "off">;
  jobs: number;
  succeeded: number;
  requests: number;
  tooManyRequests: number;
  /** Our requests / 429s while the neighbour ran. */
  requestsDuring: number;
  tooManyDuring: number;
  neighbour: { admitted: number; refused: number };
  /** Our admitted requests per second while the neighbour ran, over what it left (20 − its 5/s). */
  shareOfRemaining: number;
  /** Neighbour off → our arrivals first ≥ 0.9 of the budget in a sliding second (NaN: never). */
  recoveryMs: number;
  /** Our rate from recovery to the last request, as a share of the budget. */
  shareAfterRecovery: number;
  peakArrivals: number;
  load: string;
  loadAtEnd: string;
  svg?: string;
}

const BUDGET_RPS = 19;
const COMPANY_RPS = 20;
/** Both modes average 5/s: steady 5 a second, bursty 15 every 3 s. */
const NEIGHBOUR_AVERAGE_RPS = 5;
const LATENCY = { meanMs: 150, jitterMs: 100 };

const hostLoad = () =>
  `load average: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(", ")}`;

const onboarding = (prefix: string, index: number, officeId: string): OnboardRequest => {
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

/** First arrival at or after `fromMs` whose sliding second (ending there) holds at least `count`. */
export function firstSecondReaching(arrivals: readonly number[], fromMs: number, count: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    const at = sorted[head] ?? 0;
    while ((sorted[tail] ?? 0) <= at - 1000) tail++;
    if (at >= fromMs && head - tail + 1 >= count) return at;
  }
  return Number.NaN;
}

async function runOnce(mode: Exclude<NeighbourMode, "off">, options: NeighbourBenchOptions) {
  const config = deployedConfiguration({ ...process.env, DIALPAD_RATE_LIMIT_RPS: String(BUDGET_RPS) });
  const pipeline = await startBenchPipeline({
    engines: options.engines,
    variant: { dialpad: "shared-budget", lanes: "priority", processes: "one" },
    config,
    requestLogSize: options.onboardings * 4 + 500,
    latency: LATENCY,
  });
  try {
    const { sandbox } = pipeline;
    const officeId = sandbox.facts.hqOfficeId;
    await pipeline.startWorkers();
    const load = hostLoad();
    await pipeline.flush();
    await sandbox.resetStats();
    await sandbox.configure({ neighbourMode: mode });
    const startedAt = Date.now();
    const bodies = Array.from({ length: options.onboardings }, (_, i) =>
      onboarding(`neighbour-${mode}`, i, officeId),
    );
    const posting = pipeline.postAll("onboard", bodies);
    const offDue = startedAt + options.neighbourOffAfterMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, offDue - Date.now())));
    await sandbox.configure({ neighbourMode: "off" });
    const offAt = Date.now();
    const jobIds = await posting;
    await pipeline.waitForJobs(jobIds, startedAt + options.runTimeoutMs);
    const loadAtEnd = hostLoad();
    await pipeline.flush();
    const stats = await sandbox.stats();
    const neighbour = await sandbox.neighbourStats();
    const log = stats.recentRequests.map((entry) => ({ at: Date.parse(entry.at), status: entry.status }));
    const during = log.filter((r) => r.at < offAt);
    const first = Math.min(...log.map((r) => r.at));
    const last = Math.max(...log.map((r) => r.at));
    const admittedDuring = during.filter((r) => r.status !== 429).length;
    const recoveredAt = firstSecondReaching(
      log.map((r) => r.at),
      offAt,
      Math.ceil(0.9 * BUDGET_RPS),
    );
    const after = log.filter((r) => r.at > recoveredAt);
    const run: NeighbourRun = {
      mode,
      jobs: options.onboardings,
      succeeded: jobIds.filter((id) => pipeline.finished.get(id)?.status === "succeeded").length,
      requests: stats.totalRequests,
      tooManyRequests: stats.tooManyRequestsSent,
      requestsDuring: during.length,
      tooManyDuring: during.filter((r) => r.status === 429).length,
      neighbour,
      shareOfRemaining: admittedDuring / ((offAt - first) / 1000) / (COMPANY_RPS - NEIGHBOUR_AVERAGE_RPS),
      recoveryMs: recoveredAt - offAt,
      shareAfterRecovery: after.length / ((last - recoveredAt) / 1000) / BUDGET_RPS,
      peakArrivals: stats.peakRequestsPerSecond,
      load,
      loadAtEnd,
    };
    if (options.svgDir) {
      const path = `${options.svgDir}/neighbour-${mode}.svg`;
      writeFileSync(
        path,
        drainSvg({
          title: `400 onboardings at 19/s beside a ${mode} neighbour (5/s average), off after ${seconds(offAt - first)}`,
          budgetPerSecond: BUDGET_RPS,
          limitPerSecond: COMPANY_RPS,
          requests: log.map((r) => ({ at: r.at, status: r.status ?? 0 })),
        }),
      );
      run.svg = path;
    }
    return run;
  } finally {
    await pipeline.stop();
  }
}

export async function runNeighbourBenchmark(options: NeighbourBenchOptions): Promise<NeighbourRun[]> {
  const runs: NeighbourRun[] = [];
  for (const mode of options.modes) {
    options.log?.(`beside a neighbour: ${options.onboardings} onboardings at 19/s, ${mode} neighbour ...`);
    runs.push(await runOnce(mode, options));
  }
  return runs;
}

const percent = (part: number, whole: number) => `${fixed((100 * part) / whole)} %`;

export function formatNeighbour(runs: readonly NeighbourRun[]): string {
  const row = (name: string, pick: (run: NeighbourRun) => string) => [name, ...runs.map(pick)];
  const rows = [
    ["", ...runs.map((run) => `${run.mode} neighbour`)],
    row("jobs succeeded", (r) => `${r.succeeded}/${r.jobs}`),
    row(
      "429s / our requests (whole run)",
      (r) => `${r.tooManyRequests} / ${r.requests} = ${percent(r.tooManyRequests, r.requests)}`,
    ),
    row(
      "  while the neighbour ran",
      (r) => `${r.tooManyDuring} / ${r.requestsDuring} = ${percent(r.tooManyDuring, r.requestsDuring)}`,
    ),
    row("neighbour admitted / refused", (r) => `${r.neighbour.admitted} / ${r.neighbour.refused}`),
    row("share of what it left (15/s) we used", (r) => fixed(r.shareOfRemaining)),
    row("neighbour off → ≥ 0.9 of the budget in 1 s", (r) => seconds(r.recoveryMs)),
    row("share of the budget after that", (r) => fixed(r.shareAfterRecovery)),
    row("peak arrivals in any 1 s (ours)", (r) => String(r.peakArrivals)),
  ];
  const lines = [table(rows), ""];
  for (const run of runs) {
    lines.push(`${run.mode}: host at start: ${run.load}; at end: ${run.loadAtEnd}`);
    if (run.svg) lines.push(`${run.mode}: drain picture ${run.svg}`);
  }
  return lines.join("\n");
}
