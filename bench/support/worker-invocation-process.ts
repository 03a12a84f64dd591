/**
 * One concurrent worker invocation as Lambda runs it: a Node process of its own (its own event loop,
 * DynamoDB client and rate-budget pump, meeting the other invocations only in the shared DynamoDB
 * item), built once with the worker's service wiring and then invoked with SQS events over the IPC
 * channel, as the event source mapping invokes an environment. The bench keeps the poller (AWS's
 * side) and hands each polled batch to an idle process, so there are as many processes as the
 * event source's `maxConcurrency`.
 *
 * The process reports what the bench counts (jobs finished, slot waits, slots given up, Dialpad
 * send times, DynamoDB calls) to the parent: jobs at once, the counters when asked (`flush`).
 *
 * This file is both sides: imported, it exports `startWorkerInvocationProcess`; forked, it runs the worker.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { JobOutcome, Lane } from "../../shared/lifecycle/ports";

export interface WorkerProcessSettings {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queueUrls: Record<Lane, string>;
  dialpadBaseUrl: string;
  dialpadApiKey: string;
  budgetRps: number;
  timeoutMs: number;
  maxAttempts: number;
  maxReceives: number;
}

/** Counters a process accumulated since its last flush. */
export interface WorkerCounters {
  waits: Record<Lane, { count: number; totalMs: number }>;
  missedSlots: number;
  sentAt: number[];
  dynamo: { limiter: number; limiterReads: number; other: number };
}

type Command = { type: "invoke"; event: SQSEvent } | { type: "flush" } | { type: "stop" };
type Request = Command & { id: number };
type Reply = { id: number; result?: unknown; error?: string };
type Finished = { type: "finished"; jobId: string; status: JobOutcome["status"] };
type Ready = { type: "ready" };

export interface WorkerInvocationProcess {
  invoke(event: SQSEvent): Promise<SQSBatchResponse | undefined>;
  /** The counters since the last flush (the process resets its own). */
  flush(): Promise<WorkerCounters>;
  peakRssBytes(): number;
  stop(): Promise<void>;
}

export async function startWorkerInvocationProcess(
  settings: WorkerProcessSettings,
  onFinished: (jobId: string, status: JobOutcome["status"]) => void,
): Promise<WorkerInvocationProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_WORKER_SETTINGS: JSON.stringify(settings) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => {
      reject(new Error(`a worker process exited (${code}) before it was ready`));
      for (const waiter of pending.values()) waiter.reject(new Error(`a worker process exited (${code})`));
    });
    child.on("message", (message: Ready | Finished | Reply) => {
      if ("type" in message) {
        if (message.type === "ready") return resolve();
        return onFinished(message.jobId, message.status);
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
  const call = <T>(request: Command): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  await ready;
  let peakRss = 0;
  return {
    invoke: (event) => call<SQSBatchResponse | undefined>({ type: "invoke", event }),
    flush: async () => {
      const { counters, rss } = await call<{ counters: WorkerCounters; rss: number }>({ type: "flush" });
      peakRss = Math.max(peakRss, rss);
      return counters;
    },
    peakRssBytes: () => peakRss,
    async stop() {
      await call<void>({ type: "stop" }).catch(() => undefined);
      await exited;
    },
  };
}

/** The child's side: build the worker once (as a Lambda container does) and run each event it is given. */
async function serveWorker(settings: WorkerProcessSettings, send: (message: unknown) => void) {
  process.once("disconnect", () => process.exit(0));
  const [{ createWorkerHandler }, { JOB_KINDS }, { createServiceDeps }, { countedDocumentClient, localSqs }] =
    await Promise.all([
      import("../../functions/worker/worker"),
      import("../../shared/lifecycle/job-kinds"),
      import("../../shared/wiring/service-deps"),
      import("./local-stack"),
    ]);
  const dynamo = countedDocumentClient(settings.dynamodbEndpoint);
  const sqs = localSqs(settings.sqsEndpoint);
  const fresh = (): WorkerCounters => ({
    waits: { urgent: { count: 0, totalMs: 0 }, bulk: { count: 0, totalMs: 0 } },
    missedSlots: 0,
    sentAt: [],
    dynamo: { limiter: 0, limiterReads: 0, other: 0 },
  });
  let counters = fresh();
  let flushedCalls = { ...dynamo.calls };
  const apiKey = { get: async () => settings.dialpadApiKey, refresh: async () => settings.dialpadApiKey };
  const service = createServiceDeps({
    kinds: JOB_KINDS,
    doc: dynamo.doc,
    sqs,
    tableName: settings.tableName,
    queueUrls: settings.queueUrls,
    dialpad: {
      baseUrl: settings.dialpadBaseUrl,
      apiKey,
      budgetRps: settings.budgetRps,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      metrics: { onResponse: (sample) => counters.sentAt.push(Date.now() - sample.latencyMs) },
      onLimiterWait: (ms, lane) => {
        counters.waits[lane].count += 1;
        counters.waits[lane].totalMs += ms;
      },
      onSlotMissed: () => {
        counters.missedSlots += 1;
      },
    },
    settings: { retentionDays: 30, numberParkingTarget: { to: "office" }, numbersOnDelete: "park" },
    maxReceives: settings.maxReceives,
    onJobFinished: (job, outcome) =>
      send({ type: "finished", jobId: job.job_id, status: outcome.status } satisfies Finished),
  });
  const worker = createWorkerHandler(service.worker);
  process.on("message", async (request: Request) => {
    try {
      switch (request.type) {
        case "invoke":
          return send({ id: request.id, result: await worker(request.event) } satisfies Reply);
        case "flush": {
          const calls = { ...dynamo.calls };
          counters.dynamo = {
            limiter: calls.limiter - flushedCalls.limiter,
            limiterReads: calls.limiterReads - flushedCalls.limiterReads,
            other: calls.other - flushedCalls.other,
          };
          flushedCalls = calls;
          const result = { counters, rss: process.resourceUsage().maxRSS * 1024 };
          counters = fresh();
          return send({ id: request.id, result } satisfies Reply);
        }
        case "stop":
          sqs.destroy();
          dynamo.client.destroy();
          process.send?.({ id: request.id } satisfies Reply, () => process.exit(0));
          return;
      }
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
    }
  });
  send({ type: "ready" } satisfies Ready);
}

if (process.env.BENCH_WORKER_SETTINGS !== undefined && process.send) {
  const send = process.send.bind(process);
  await serveWorker(JSON.parse(process.env.BENCH_WORKER_SETTINGS) as WorkerProcessSettings, (message) => {
    send(message as never);
  });
}
