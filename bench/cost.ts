/**
 * Benchmark: what a job costs in AWS. Three phases on one pipeline, each drained before the next:
 * plain onboardings (office id given, no number: look-up and create), typical onboardings (the
 * throughput workload: number, extension, call centers), and offboards of the plain ones. Per phase
 * it counts what AWS bills (bench/support/aws-meter.ts) and prices it at public list prices.
 *
 * Prices: US East (N. Virginia), on-demand, as published on 8 December 2026 (read that day). Free
 * tiers are left out (they are per account, not per job). Durations are the bench's: every
 * invocation shares this process with the others, the engines and the sandbox, so on a loaded host
 * (and with the API's 50 concurrent submitters) they are longer than in a Lambda environment of its own.
 */
import { loadavg } from "node:os";
import { FUNCTION_MEMORY_MB } from "../infra/function-entries";
import type { OffboardRequest, OnboardRequest } from "../shared/lifecycle/model";
import { AwsMeter, type AwsUsage } from "./support/aws-meter";
import { type DeployedConfiguration, startBenchPipeline } from "./support/bench-pipeline";
import type { LocalEngines } from "./support/local-stack";
import { fixed, table } from "./support/report-format";
import { workloadFor } from "./support/workload";

/** US East (N. Virginia) list prices, USD, read on 8 December 2026. */
export const PRICES = {
  region: "us-east-1",
  readOn: "2026-12-08",
  /** DynamoDB on-demand, per request unit. */
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  /** SQS standard queue, per request (64 KB chunk). */
  sqsRequest: 0.4 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** Lambda duration per GB-second, first tier: arm64 (as deployed) and x86_64. */
  lambdaGbSecondArm: 0.0000133334,
  lambdaGbSecondX86: 0.0000166667,
  /** API Gateway REST API, per request (first 333 million a month). */
  restApiRequest: 3.5 / 1e6,
  /** EventBridge custom events, per event. */
  eventBridgeEvent: 1 / 1e6,
  /** Secrets Manager, per API call ($0.05 per 10,000). */
  secretsCall: 0.05 / 1e4,
} as const;

export interface CostOptions {
  engines: LocalEngines;
  config: DeployedConfiguration;
  /** Jobs per phase. */
  jobs: number;
  runTimeoutMs: number;
  log?: (line: string) => void;
}

export interface CostPhase {
  kind: string;
  jobs: number;
  succeeded: number;
  dialpadRequests: number;
  usage: AwsUsage;
  /** DynamoDB calls of the worker (limiter included) per Dialpad request. */
  workerDynamoPerRequest: number;
  seconds: number;
  load: string;
}

const plainOnboarding = (index: number, officeId: string): OnboardRequest => {
  const n = String(index).padStart(4, "0");
  return {
    email: `cost-plain-${n}@example.com`,
    first_name: "Bench",
    last_name: `User ${n}`,
    office_id: officeId,
    license: "talk",
    admin_type: "none",
    call_center_ids: [],
  };
};

export async function runCostBenchmark(options: CostOptions): Promise<CostPhase[]> {
  const meter = new AwsMeter();
  const pipeline = await startBenchPipeline({
    engines: options.engines,
    variant: { dialpad: "shared-budget", lanes: "priority" },
    config: options.config,
    meter,
  });
  const phases: CostPhase[] = [];
  try {
    pipeline.startWorkers();
    const { sandbox } = pipeline;
    const workload = workloadFor(sandbox.facts);
    const plain = Array.from({ length: options.jobs }, (_, i) =>
      plainOnboarding(i, sandbox.facts.hqOfficeId),
    );
    const phase = async (kind: string, submit: () => Promise<string[]>) => {
      options.log?.(`cost: ${options.jobs} × ${kind} ...`);
      await sandbox.resetStats();
      const load = loadavg()[0]?.toFixed(1) ?? "?";
      const before = meter.snapshot();
      const started = Date.now();
      const ids = await submit();
      await pipeline.waitForJobs(ids, Date.now() + options.runTimeoutMs);
      const usage = meter.since(before);
      const { totalRequests } = await sandbox.stats();
      phases.push({
        kind,
        jobs: ids.length,
        succeeded: ids.filter((id) => pipeline.finished.get(id)?.status === "succeeded").length,
        dialpadRequests: totalRequests,
        usage,
        workerDynamoPerRequest: usage.dynamo.worker.calls / totalRequests,
        seconds: (Date.now() - started) / 1000,
        load,
      });
    };
    await phase("onboard (plain)", () => pipeline.postAll("onboard", plain));
    await phase("onboard (typical)", () =>
      pipeline.postAll(
        "onboard",
        Array.from({ length: options.jobs }, (_, i) => workload.onboard("cost-typical", i)),
      ),
    );
    await phase("offboard", () =>
      Promise.all(
        plain.map((person) => pipeline.post("offboard", { email: person.email } satisfies OffboardRequest)),
      ),
    );
  } finally {
    await pipeline.stop();
  }
  return phases;
}

/** The GB-seconds a phase billed to one function: its billed duration × its configured memory. */
const gbSecondsOf = (phase: CostPhase, of: "api" | "worker") =>
  (phase.usage.lambda[of].billedMs / 1000) * (FUNCTION_MEMORY_MB[of] / 1024);

/** Dollars per 1,000 jobs of a phase, by service. */
export function dollarsPer1000(phase: CostPhase) {
  const per = 1000 / phase.jobs;
  const { dynamo, lambda } = phase.usage;
  const sqsRequests = Object.values(phase.usage.sqs).reduce((sum, count) => sum + count, 0);
  const gbSeconds = gbSecondsOf(phase, "api") + gbSecondsOf(phase, "worker");
  const invocations = lambda.api.invocations + lambda.worker.invocations;
  const lambdaRequests = invocations * PRICES.lambdaRequest;
  const dollars = {
    dynamodb:
      ((dynamo.api.readUnits + dynamo.worker.readUnits) * PRICES.dynamoReadUnit +
        (dynamo.api.writeUnits + dynamo.worker.writeUnits) * PRICES.dynamoWriteUnit) *
      per,
    sqs: sqsRequests * PRICES.sqsRequest * per,
    lambdaArm: (lambdaRequests + gbSeconds * PRICES.lambdaGbSecondArm) * per,
    lambdaX86: (lambdaRequests + gbSeconds * PRICES.lambdaGbSecondX86) * per,
    apiGateway: lambda.api.invocations * PRICES.restApiRequest * per,
    eventBridge: phase.usage.events * PRICES.eventBridgeEvent * per,
    secrets: phase.usage.secrets * PRICES.secretsCall * per,
  };
  const total =
    dollars.dynamodb +
    dollars.sqs +
    dollars.lambdaArm +
    dollars.apiGateway +
    dollars.eventBridge +
    dollars.secrets;
  return { ...dollars, total, sqsRequests, gbSeconds: gbSeconds * per, invocations: invocations * per };
}

export function formatCost(phases: readonly CostPhase[]): string {
  const perJob = (phase: CostPhase, value: number) => fixed(value / phase.jobs, 2);
  const usd = (value: number) => `$${value.toFixed(4)}`;
  const header = ["per job (measured)", ...phases.map((phase) => phase.kind)];
  const row = (name: string, value: (phase: CostPhase) => string) => [name, ...phases.map(value)];
  const usage = table([
    header,
    row("jobs succeeded / submitted", (p) => `${p.succeeded} / ${p.jobs}`),
    row("Dialpad requests", (p) => perJob(p, p.dialpadRequests)),
    row(
      "DynamoDB calls: API / worker",
      (p) => `${perJob(p, p.usage.dynamo.api.calls)} / ${perJob(p, p.usage.dynamo.worker.calls)}`,
    ),
    row("worker DynamoDB calls per Dialpad request", (p) => fixed(p.workerDynamoPerRequest)),
    row(
      "read request units: API / worker",
      (p) => `${perJob(p, p.usage.dynamo.api.readUnits)} / ${perJob(p, p.usage.dynamo.worker.readUnits)}`,
    ),
    row(
      "write request units: API / worker",
      (p) => `${perJob(p, p.usage.dynamo.api.writeUnits)} / ${perJob(p, p.usage.dynamo.worker.writeUnits)}`,
    ),
    row("refused conditional writes", (p) =>
      perJob(p, p.usage.dynamo.api.refused + p.usage.dynamo.worker.refused),
    ),
    row("SQS requests (all actions)", (p) => perJob(p, dollarsPer1000(p).sqsRequests)),
    row(
      "Lambda invocations: API / worker",
      (p) => `${perJob(p, p.usage.lambda.api.invocations)} / ${perJob(p, p.usage.lambda.worker.invocations)}`,
    ),
    row(
      `Lambda GB-seconds: API (${FUNCTION_MEMORY_MB.api} MB) / worker (${FUNCTION_MEMORY_MB.worker} MB)`,
      (p) => `${fixed(gbSecondsOf(p, "api") / p.jobs, 3)} / ${fixed(gbSecondsOf(p, "worker") / p.jobs, 3)}`,
    ),
    row(
      "EventBridge events / Secrets Manager calls",
      (p) => `${perJob(p, p.usage.events)} / ${perJob(p, p.usage.secrets)}`,
    ),
    row("phase took (load average at its start)", (p) => `${p.seconds.toFixed(0)} s (${p.load})`),
  ]);
  const dollars = table([
    [
      `$ per 1,000 jobs (${PRICES.region}, list prices of ${PRICES.readOn})`,
      ...phases.map((phase) => phase.kind),
    ],
    row("DynamoDB on-demand", (p) => usd(dollarsPer1000(p).dynamodb)),
    row("SQS standard", (p) => usd(dollarsPer1000(p).sqs)),
    row("Lambda arm64 (as deployed): requests + duration", (p) => usd(dollarsPer1000(p).lambdaArm)),
    row("API Gateway REST API", (p) => usd(dollarsPer1000(p).apiGateway)),
    row("EventBridge custom events", (p) => usd(dollarsPer1000(p).eventBridge)),
    row("Secrets Manager API calls", (p) => usd(dollarsPer1000(p).secrets)),
    row("total", (p) => usd(dollarsPer1000(p).total)),
    row("(Lambda on x86_64 instead)", (p) => usd(dollarsPer1000(p).lambdaX86)),
  ]);
  const breakdown = (name: string, counts: (p: CostPhase) => Record<string, number>) =>
    phases.map(
      (p) =>
        `  ${name}, ${p.kind}: ${
          Object.entries(counts(p))
            .filter(([, count]) => count > 0)
            .map(([what, count]) => `${what} ${perJob(p, count)}`)
            .join(", ") || "none"
        }`,
    );
  return [
    usage,
    "Per job, by action:",
    ...breakdown("SQS requests", (p) => p.usage.sqs),
    ...breakdown("refused conditional writes", (p) => p.usage.refused),
    "",
    dollars,
  ].join("\n");
}
