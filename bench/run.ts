/**
 * `npm run bench`: starts its own engines and sandbox, runs every benchmark, prints one report and
 * exits 0 (a missed target is printed as MISS, not turned into a failure exit: the figures are the
 * product). `--quick` runs small numbers for a smoke run.
 */
import { cpus, loadavg } from "node:os";
import { bundleSizeSection } from "./bundle-section";
import { formatCost, runCostBenchmark } from "./cost";
import { formatMemory, type MemoryMark, memoryMark } from "./memory";
import { DRAIN_VARIANTS, formatNearLimit, runNearLimitBenchmark } from "./near-limit";
import { formatNeighbour, runNeighbourBenchmark } from "./neighbour";
import { formatUrgency, runUrgencyBenchmark } from "./offboard-urgency";
import { formatScim, runScimBenchmark } from "./scim";
import { deployedConfiguration } from "./support/bench-pipeline";
import { startLocalEngines } from "./support/local-stack";
import { heading } from "./support/report-format";
import { formatThroughput, runThroughputBenchmark } from "./throughput";

// The bench runs on Node 20 on purpose (Lambda runs 22): the SDK's notice about its future floor is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const quick = process.argv.includes("--quick");
/**
 * `--only=throughput`, `--only=urgency`, `--only=near-limit`, `--only=cost` or `--only=scim` runs one pipeline
 * benchmark (bundle sizes, init times and memory always print); `--only=bundles` runs none;
 * `--only=drain` runs only the near-limit runs with a process per invocation and submissions over
 * HTTP, without and with a CPU hog; `--only=neighbour` runs only the onboardings beside another
 * integration's traffic (steady, then bursty; not part of the full run), pictures to docs/img/.
 */
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const scale = quick
  ? { onboardings: 40, throughputTimeoutMs: 60_000, offboards: 5, spacingMs: 500, settleMs: 10_000 }
  : { onboardings: 300, throughputTimeoutMs: 240_000, offboards: 20, spacingMs: 1000, settleMs: 15_000 };
/** The close-to-the-limit run: 400 plain onboardings, offboards every 2.5 s from 4 s into the backlog. */
const nearLimitScale = quick
  ? { onboardings: 60, offboards: 3, firstOffboardMs: 2000, spacingMs: 1000, runTimeoutMs: 60_000 }
  : { onboardings: 400, offboards: 12, firstOffboardMs: 4000, spacingMs: 2500, runTimeoutMs: 240_000 };

const progress = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  // Other work on the same cores (a test run, a build) delays this process: the load says so.
  const loadAtStart = loadavg()[0]?.toFixed(1);
  const config = deployedConfiguration();
  progress("starting DynamoDB Local and the SQS server ...");
  const engines = await startLocalEngines();
  const marks: MemoryMark[] = [];
  const sections: string[] = [];
  try {
    // Urgency first: its runs also warm DynamoDB Local's JIT, so both throughput runs start warm.
    let urgency: string | undefined;
    if (only === undefined || only === "urgency") {
      const runs = await runUrgencyBenchmark({
        engines,
        config,
        backlog: scale.onboardings,
        offboards: scale.offboards,
        spacingMs: scale.spacingMs,
        settleMs: scale.settleMs,
        log: progress,
      });
      marks.push(memoryMark("offboard urgency"));
      urgency = formatUrgency(runs);
    }
    if (only === undefined || only === "throughput") {
      const runs = await runThroughputBenchmark({
        engines,
        config,
        jobs: scale.onboardings,
        runTimeoutMs: scale.throughputTimeoutMs,
        log: progress,
      });
      marks.push(memoryMark("throughput"));
      sections.push(
        heading("1. Throughput: onboardings against the shared Dialpad budget"),
        formatThroughput(runs),
      );
    }
    if (urgency) sections.push(heading("2. Offboard urgency during a bulk backlog"), urgency);
    if (only === undefined || only === "cost") {
      const phases = await runCostBenchmark({
        engines,
        config,
        jobs: quick ? 20 : 100,
        runTimeoutMs: 180_000,
        log: progress,
      });
      marks.push(memoryMark("cost per job"));
      sections.push(heading("5. Cost per job: what AWS bills, at list prices"), formatCost(phases));
    }
    if (only === undefined || only === "near-limit" || only === "drain") {
      const runs = await runNearLimitBenchmark({
        engines,
        ...nearLimitScale,
        ...(only === "drain" ? { variants: DRAIN_VARIANTS } : {}),
        svgDir: "docs/img",
        log: progress,
      });
      marks.push(memoryMark("near the limit"));
      sections.unshift(
        heading(
          "0. Near the limit: plain onboardings at 19/s (sandbox 150 ± 100 ms), urgent offboards meanwhile",
        ),
        formatNearLimit(runs),
      );
    }
    if (only === "neighbour") {
      const runs = await runNeighbourBenchmark({
        engines,
        onboardings: quick ? 100 : 400,
        modes: ["steady", "bursty"],
        neighbourOffAfterMs: quick ? 8000 : 30_000,
        runTimeoutMs: 240_000,
        svgDir: "docs/img",
        log: progress,
      });
      marks.push(memoryMark("beside a neighbour"));
      sections.push(
        heading("7. Beside another integration: 400 onboardings at 19/s, neighbour off midway"),
        formatNeighbour(runs),
      );
    }
    if (only === undefined || only === "scim") {
      const run = await runScimBenchmark({
        engines,
        config,
        backlog: quick ? 60 : 400,
        inFlight: 10,
        windowMs: quick ? 10_000 : 30_000,
        drainTimeoutMs: quick ? 60_000 : 300_000,
        log: progress,
      });
      marks.push(memoryMark("SCIM during a backlog"));
      sections.push(heading("6. SCIM answers while a 400-job backlog drains"), formatScim(run));
    }
  } finally {
    await engines.stop();
  }
  progress("bundle sizes ...");
  let bundles: string;
  try {
    bundles = await bundleSizeSection();
  } catch (error) {
    bundles = `  (measuring the bundles failed: ${error instanceof Error ? error.message : String(error)})`;
  }
  marks.push(memoryMark("bundle sizes (esbuild, aws-cdk-lib loaded)"));
  sections.push(heading("3. Memory of the bench process"), formatMemory(marks));
  sections.push(heading("4. Lambda bundle sizes (bench/bundle-size.ts)"), bundles);
  const host = `host: ${cpus().length} cores, Node ${process.version}, load average (1 min) ${loadAtStart} at the start, ${loadavg()[0]?.toFixed(1)} at the end`;
  console.log([host, ...sections].join("\n"));
  console.log(
    `\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? " (--quick)" : ""}`,
  );
}

await main();
process.exit(0);
