/**
 * The whole pipeline as deployed, on the local engines, for one benchmark run: a fresh sandbox
 * (Dialpad's 20/s limit, ~150 ms latency), table and queues; the service wiring of shared/wiring;
 * the API function for submissions; the worker driven by the same SQS event source local mode uses,
 * with the event sources sized by the stack's own formula (infra/worker-concurrency.ts).
 *
 * Two switches make the baselines:
 * - `dialpad: "unthrottled"`: the same clients with no shared limiter (each call only honours the
 *   Retry-After of its own 429s), i.e. a naive integration.
 * - `lanes: "single"`: urgent work shares the bulk queue, its event source and its limiter lane,
 *   i.e. no priority.
 * - `processes: "per-invocation"`: the deployed shape, each concurrent invocation a Node process of
 *   its own (worker-invocation-process.ts), instead of every invocation in the bench process.
 */
import { request as httpRequest } from "node:http";
import type { APIGatewayProxyEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createApi } from "../../functions/api/api";
import { createWorkerHandler } from "../../functions/worker/worker";
import { stackSettingsSchema } from "../../infra/stack-settings";
import { toProxyEvent } from "../../local/runtime/api-gateway-event";
import { type RunningHttpFront, startHttpFront } from "../../local/runtime/http-front";
import { type RunningEventSource, startSqsEventSource } from "../../local/runtime/sqs-event-source";
import { workerSizing } from "../../local/runtime/worker-sizing";
import { toAuthorizerContext } from "../../shared/auth/authorizer-context";
import { dialpadSettings, loadConfig } from "../../shared/config";
import type { ApiKeyProvider, DialpadMetricsHook } from "../../shared/dialpad/api";
import { DialpadClient } from "../../shared/dialpad/client";
import { respondToError } from "../../shared/http/http-error-handler";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import type { Job, OffboardRequest, OnboardRequest } from "../../shared/lifecycle/model";
import { OfficeDirectory } from "../../shared/lifecycle/office-directory";
import type { JobOutcome, Lane } from "../../shared/lifecycle/ports";
import { appSecretSource } from "../../shared/secrets/app-secrets";
import { SecretApiKeyProvider } from "../../shared/secrets/secret-api-key-provider";
import { createServiceDeps, createStateDeps } from "../../shared/wiring/service-deps";
import { noteChildPeakRss } from "../memory";
import type { AwsMeter } from "./aws-meter";
import { countedDocumentClient, createQueue, createTable, type LocalEngines, localSqs } from "./local-stack";
import { startSandboxProcess } from "./sandbox-process";
import {
  startWorkerInvocationProcess,
  type WorkerCounters,
  type WorkerInvocationProcess,
} from "./worker-invocation-process";

/** The stack's redrive `maxReceiveCount` (infra/constructs/pipeline.ts; not imported: it loads aws-cdk-lib). */
const MAX_RECEIVES = 5;

export interface PipelineVariant {
  dialpad: "shared-budget" | "unthrottled";
  lanes: "priority" | "single";
  /**
   * `one` (default): every invocation in this process, on one rate-budget pump. `per-invocation`:
   * each concurrent invocation a Node process of its own, as Lambda runs them, so the pumps meet
   * only in the shared DynamoDB item (shared-budget, priority lanes only).
   */
  processes?: "one" | "per-invocation";
}

/** The deployed configuration: budget from the environment as the functions read it, sizing as the stack does. */
export function deployedConfiguration(env: NodeJS.ProcessEnv = process.env) {
  const dialpad = loadConfig(dialpadSettings, env);
  const sizing = workerSizing(dialpad.DIALPAD_RATE_LIMIT_RPS);
  return {
    budgetRps: dialpad.DIALPAD_RATE_LIMIT_RPS,
    timeoutMs: dialpad.DIALPAD_TIMEOUT_MS,
    maxAttempts: dialpad.DIALPAD_MAX_ATTEMPTS,
    visibilityTimeoutSeconds: sizing.visibilityTimeoutSeconds,
    eventSources: sizing.lanes,
    sizedForLatencyMs: stackSettingsSchema.parse({}).dialpadLatencyMs,
  };
}

export type DeployedConfiguration = ReturnType<typeof deployedConfiguration>;

export interface BenchPipelineOptions {
  engines: LocalEngines;
  variant: PipelineVariant;
  config: DeployedConfiguration;
  /** Requests the sandbox keeps in its log (the throughput figures need every arrival). */
  requestLogSize?: number;
  /** Dialpad's simulated response time (default 150 ± 50 ms). */
  latency?: { meanMs: number; jitterMs: number };
  /**
   * Counts what the run asks of AWS (bench/cost.ts): request units, SQS requests, invocations and
   * their durations; and wires what the deployed worker has besides: `Job Finished` events and the
   * API key read from Secrets Manager through its cache.
   */
  meter?: AwsMeter;
}

const BENCH_CLIENT = "bench";
/** Over HTTP: the bench client's scopes (admin: some of the workload grants office admin rights). */
const BENCH_PRINCIPAL = { client: BENCH_CLIENT, scopes: ["onboard", "offboard", "read", "admin"] as const };
/** Concurrent submitters: as many as one SDK client's default socket pool serves without queueing. */
const SUBMIT_CALLERS = 50;

export async function startBenchPipeline(options: BenchPipelineOptions) {
  const { engines, variant, config } = options;
  // The API and the worker are separate functions in AWS: separate clients (and socket pools) here too.
  const dynamo = countedDocumentClient(engines.dynamodbEndpoint);
  const apiDynamo = countedDocumentClient(engines.dynamodbEndpoint);
  const sqs = localSqs(engines.sqsEndpoint);
  const { meter } = options;
  meter?.dynamo(dynamo.client, "worker");
  meter?.dynamo(apiDynamo.client, "api");
  meter?.sqs(sqs);
  const queueOptions = {
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    maxReceiveCount: MAX_RECEIVES,
  };
  const [table, urgentQueue, bulkQueue, sandbox] = await Promise.all([
    createTable(dynamo.client),
    createQueue(sqs, queueOptions),
    createQueue(sqs, queueOptions),
    startSandboxProcess({
      rateLimitPerSecond: 20,
      latencyMs: options.latency?.meanMs ?? 150,
      jitterMs: options.latency?.jitterMs ?? 50,
      requestLogSize: options.requestLogSize ?? 500,
    }),
  ]);
  const single = variant.lanes === "single";
  const queueUrls: Record<Lane, string> = {
    urgent: single ? bulkQueue.queueUrl : urgentQueue.queueUrl,
    bulk: bulkQueue.queueUrl,
  };

  const finished = new Map<string, JobOutcome>();
  const limiterWaits: Record<Lane, { count: number; totalMs: number }> = {
    urgent: { count: 0, totalMs: 0 },
    bulk: { count: 0, totalMs: 0 },
  };
  /** Slots given up because their caller was released too late (a stalled event loop). */
  const missedSlots = { count: 0 };
  // When each Dialpad request left the client (its answer's time minus its latency): compared with
  // the sandbox's arrival times, this splits the limiter's own accuracy from delivery delays.
  const sentAt: number[] = [];
  const metrics: DialpadMetricsHook = {
    onResponse: (sample) => {
      sentAt.push(Date.now() - sample.latencyMs);
    },
  };
  const staticKey: ApiKeyProvider = { get: async () => sandbox.apiKey, refresh: async () => sandbox.apiKey };
  // Metered: each worker process reads the key from (a stand-in of) Secrets Manager through the deployed cache.
  const secretKey = (): ApiKeyProvider =>
    meter
      ? new SecretApiKeyProvider(
          appSecretSource(
            {
              DIALPAD_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:000000000000:secret:bench",
              SECRET_CACHE_SECONDS: stackSettingsSchema.parse({}).secretCacheSeconds,
            },
            { secretsManagerClient: meter.secretsManager(sandbox.apiKey) },
          ),
          "dialpad_api_key",
        )
      : staticKey;
  /** One worker process: its service wiring (Dialpad clients, rate-budget pump, stores) and handler. */
  const workerProcess = () => {
    const apiKey = secretKey();
    const service = createServiceDeps({
      kinds: JOB_KINDS,
      doc: dynamo.doc,
      sqs,
      tableName: table.tableName,
      queueUrls,
      dialpad: {
        baseUrl: sandbox.baseUrl,
        apiKey,
        budgetRps: config.budgetRps,
        timeoutMs: config.timeoutMs,
        maxAttempts: config.maxAttempts,
        metrics,
        onLimiterWait: (ms, lane) => {
          limiterWaits[lane].count += 1;
          limiterWaits[lane].totalMs += ms;
        },
        onSlotMissed: () => {
          missedSlots.count += 1;
        },
      },
      settings: { retentionDays: 30, numberParkingTarget: { to: "office" }, numbersOnDelete: "park" },
      maxReceives: MAX_RECEIVES,
      onJobFinished: (job, outcome) => finished.set(job.job_id, outcome),
      ...(meter
        ? { announce: { events: meter.jobFinishedEvents, callbackQueueUrl: urgentQueue.queueUrl } }
        : {}),
    });

    let lifecycle = service.lifecycle;
    if (variant.dialpad === "unthrottled") {
      const naive = new DialpadClient({
        baseUrl: sandbox.baseUrl,
        apiKey,
        timeoutMs: config.timeoutMs,
        maxAttempts: config.maxAttempts,
        metrics,
      });
      lifecycle = {
        ...lifecycle,
        dialpad: { urgent: naive, bulk: naive },
        offices: new OfficeDirectory(naive),
      };
    } else if (single) {
      const bulk = service.dialpad.bulk;
      lifecycle = { ...lifecycle, dialpad: { urgent: bulk, bulk } };
    }
    return { service, worker: createWorkerHandler({ ...service.worker, lifecycle }) };
  };
  const shared = workerProcess();
  const { service } = shared;

  let workerErrors = 0;
  const lanes: Lane[] = single ? ["bulk"] : ["urgent", "bulk"];
  const sources: RunningEventSource[] = [];
  const startSource = (
    lane: Lane,
    worker: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
    maxConcurrency: number,
  ) =>
    sources.push(
      startSqsEventSource({
        sqs,
        queueUrl: queueUrls[lane],
        handler: (event: SQSEvent) => (meter ? meter.invoke("worker", () => worker(event)) : worker(event)),
        ...config.eventSources[lane],
        maxConcurrency,
        onError: () => {
          workerErrors += 1;
        },
      }),
    );
  const children: WorkerInvocationProcess[] = [];
  const addCounters = (counters: WorkerCounters) => {
    for (const lane of ["urgent", "bulk"] as const) {
      limiterWaits[lane].count += counters.waits[lane].count;
      limiterWaits[lane].totalMs += counters.waits[lane].totalMs;
    }
    missedSlots.count += counters.missedSlots;
    sentAt.push(...counters.sentAt);
    dynamo.calls.limiter += counters.dynamo.limiter;
    dynamo.calls.limiterReads += counters.dynamo.limiterReads;
    dynamo.calls.other += counters.dynamo.other;
  };
  /** A lane's invocations, each in a process of its own: the poller hands every batch to an idle one. */
  const startProcessLane = async (lane: Lane, maxConcurrency: number) => {
    const idle = await Promise.all(
      Array.from({ length: maxConcurrency }, () =>
        startWorkerInvocationProcess(
          {
            dynamodbEndpoint: engines.dynamodbEndpoint,
            sqsEndpoint: engines.sqsEndpoint,
            tableName: table.tableName,
            queueUrls,
            dialpadBaseUrl: sandbox.baseUrl,
            dialpadApiKey: sandbox.apiKey,
            budgetRps: config.budgetRps,
            timeoutMs: config.timeoutMs,
            maxAttempts: config.maxAttempts,
            maxReceives: MAX_RECEIVES,
          },
          (jobId, status) => finished.set(jobId, { status } as JobOutcome),
        ),
      ),
    );
    children.push(...idle);
    startSource(
      lane,
      async (event) => {
        // The event source never runs more than maxConcurrency at once: one is always idle.
        const child = idle.pop();
        if (!child) throw new Error("no idle worker process");
        try {
          return await child.invoke(event);
        } finally {
          idle.push(child);
        }
      },
      maxConcurrency,
    );
  };
  const startWorkers = async () => {
    if (variant.processes === "per-invocation") {
      if (variant.dialpad !== "shared-budget" || single)
        throw new Error("processes per invocation run the deployed variant only");
      // As Lambda runs them: each concurrent invocation in an environment (and rate-budget pump) of its own.
      await Promise.all(
        lanes.map((lane) => startProcessLane(lane, config.eventSources[lane].maxConcurrency)),
      );
      return;
    }
    for (const lane of lanes) startSource(lane, shared.worker, config.eventSources[lane].maxConcurrency);
  };
  /** Collects the worker processes' counters into this pipeline's (nothing to do with one process). */
  const flush = async () => {
    for (const counters of await Promise.all(children.map((child) => child.flush()))) addCounters(counters);
  };

  const apiSqs = localSqs(engines.sqsEndpoint);
  meter?.sqs(apiSqs);
  const apiState = createStateDeps({
    kinds: JOB_KINDS,
    doc: apiDynamo.doc,
    sqs: apiSqs,
    tableName: table.tableName,
    queueUrls,
  });
  const api = createApi({
    ...apiState,
    settings: { retentionDays: 30 },
  });
  /** POST /v1/<kind> through the API function, as API Gateway would invoke it; answers the job id. */
  async function post(kind: "onboard" | "offboard", body: OnboardRequest | OffboardRequest): Promise<string> {
    const routed = toProxyEvent({
      method: "POST",
      path: `/v1/${kind}`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      // Admin: some of the workload grants office admin rights.
      authorizer: { client: BENCH_CLIENT, scopes: "onboard,offboard,read,admin" },
    });
    if (!routed) throw new Error(`no route for POST /v1/${kind}`);
    const { event } = routed;
    const response = await (meter ? meter.invoke("api", () => api(event)) : api(event));
    if (response.statusCode !== 202)
      throw new Error(`POST /v1/${kind} answered ${response.statusCode}: ${response.body}`);
    return (JSON.parse(response.body) as Pick<Job, "job_id">).job_id;
  }

  // The local HTTP front (local mode's stand-in for API Gateway) in front of the same API function,
  // started on first use: submissions then cost what they cost on a machine serving the API.
  let front: RunningHttpFront | undefined;
  const httpUrl = async () => {
    front ??= await startHttpFront({
      port: 0,
      functions: async () => ({
        // The bench's one client is always allowed (the token check is not what is measured).
        authorizer: async (event) => ({
          principalId: BENCH_CLIENT,
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Action: "execute-api:Invoke",
                Effect: "Allow",
                Resource: (event as { methodArn: string }).methodArn,
              },
            ],
          },
          context: toAuthorizerContext({ ...BENCH_PRINCIPAL, scopes: [...BENCH_PRINCIPAL.scopes] }),
        }),
        api: (event) => api(event as APIGatewayProxyEvent),
        webhook: async () => ({ statusCode: 404, body: "" }),
      }),
    });
    return front.url;
  };
  /**
   * POST /v1/<kind> over HTTP through the local front, as a ticketing system would; answers the job
   * id. A connection per request: a kept-alive socket that the server closes while idle (its event
   * loop stalled past the keep-alive timeout) would reset a request already sent, which a retry
   * could turn into a second job.
   */
  async function postOverHttp(kind: "onboard" | "offboard", body: OnboardRequest | OffboardRequest) {
    const url = new URL(`${await httpUrl()}/v1/${kind}`);
    const payload = JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        url,
        {
          method: "POST",
          agent: false,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
            authorization: "Bearer bench-token",
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(payload);
    });
    if (status !== 202) throw new Error(`POST /v1/${kind} answered ${status}: ${text}`);
    return (JSON.parse(text) as Pick<Job, "job_id">).job_id;
  }

  /** Any route through the API function, as a client with these scopes: status, parsed body, ms. */
  async function call(
    method: string,
    path: string,
    body: unknown,
    client: { name: string; scopes: string },
  ): Promise<{ status: number; body: unknown; ms: number }> {
    const [rawPath = "", query] = path.split("?", 2);
    const routed = toProxyEvent({
      method,
      path: rawPath,
      ...(query ? { query: new URLSearchParams(query) } : {}),
      headers: { "content-type": "application/json", host: "127.0.0.1:3000" },
      body: body === undefined ? undefined : JSON.stringify(body),
      authorizer: { client: client.name, scopes: client.scopes },
    });
    if (!routed) throw new Error(`no route for ${method} ${rawPath}`);
    const started = performance.now();
    // As the deployed handler answers: a refusal (409, 400, ...) becomes its error response.
    const response = await api(routed.event).catch((error: unknown) =>
      respondToError(error, routed.event, console),
    );
    const ms = performance.now() - started;
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, ms };
  }

  return {
    sandbox,
    service,
    variant,
    call,
    eventSources: Object.fromEntries(lanes.map((lane) => [lane, config.eventSources[lane]])),
    /** DynamoDB calls of the worker (limiter and job/person stores); the API's are counted apart. */
    dynamoCalls: dynamo.calls,
    apiDynamoCalls: apiDynamo.calls,
    limiterWaits,
    missedSlots,
    sentAt,
    finished,
    get workerErrors() {
      return workerErrors;
    },
    startWorkers,
    flush,
    post,
    postOverHttp,
    /**
     * Submits every request through the API, `callers` at a time (a burst from ticketing systems),
     * in process or over HTTP; answers job ids in order.
     */
    async postAll(
      kind: "onboard",
      bodies: readonly OnboardRequest[],
      callers = SUBMIT_CALLERS,
      over: "in-process" | "http" = "in-process",
    ): Promise<string[]> {
      const submit = over === "http" ? postOverHttp : post;
      const ids: string[] = new Array(bodies.length);
      let next = 0;
      const caller = async () => {
        for (let i = next++; i < bodies.length; i = next++)
          ids[i] = await submit(kind, bodies[i] as OnboardRequest);
      };
      await Promise.all(Array.from({ length: Math.min(callers, bodies.length) }, caller));
      return ids;
    },
    /** Resolves when every job of `jobIds` has finished, or at the deadline; answers those still open. */
    async waitForJobs(jobIds: readonly string[], deadlineMs: number): Promise<string[]> {
      for (;;) {
        const open = jobIds.filter((id) => !finished.has(id));
        if (open.length === 0 || Date.now() >= deadlineMs) return open;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await Promise.all(sources.map((source) => source.stop()));
      await front?.stop();
      await flush().catch(() => undefined);
      if (children.length > 0)
        noteChildPeakRss("worker invocation processes", Math.max(...children.map((c) => c.peakRssBytes())));
      await Promise.all(children.map((child) => child.stop()));
      noteChildPeakRss("Dialpad sandbox process", await sandbox.peakRssBytes().catch(() => Number.NaN));
      await sandbox.stop();
      await Promise.allSettled([table.drop(), urgentQueue.drop(), bulkQueue.drop()]);
      sqs.destroy();
      apiSqs.destroy();
      dynamo.client.destroy();
      apiDynamo.client.destroy();
    },
  };
}

export type BenchPipeline = Awaited<ReturnType<typeof startBenchPipeline>>;
