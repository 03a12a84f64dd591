/**
 * The whole pipeline on real parts for integration tests: a fresh DynamoDB table, urgent and bulk
 * queues with DLQs on the SQS server, the Dialpad sandbox over HTTP, the service wiring of
 * shared/wiring, and the worker driven by the same SQS event source local mode uses.
 */

import type { SQSEvent } from "aws-lambda";
import { createWorkerHandler } from "../../functions/worker/worker";
import { type RunningEventSource, startSqsEventSource } from "../../local/runtime/sqs-event-source";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../local/sandbox/index";
import { isTransientError } from "../../shared/errors/transient-errors";
import type { JobKindRegistry } from "../../shared/lifecycle/job-kind";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import type {
  Job,
  JobStatus,
  OffboardRequest,
  OnboardRequest,
  UpdateRequest,
} from "../../shared/lifecycle/model";
import type { RunJobDeps } from "../../shared/lifecycle/run-job";
import { submitJob } from "../../shared/lifecycle/submit-job";
import { createServiceDeps, type ServiceParts } from "../../shared/wiring/service-deps";
import { createTestQueue, createTestTable, localDocumentClient, localSqs } from "./aws";
import type { AwsFaults } from "./aws-faults";
import { sampleOnboardRequest } from "./sample-onboard-request";

export interface HarnessOptions {
  /** The job kinds the service runs (default: the service's own, job-kinds.ts). */
  kinds?: JobKindRegistry;
  sandbox?: SandboxOptions;
  /** Where the service reaches Dialpad, given the sandbox's base URL (e.g. a faulty proxy in front of it). */
  dialpadBaseUrl?: (sandboxBaseUrl: string) => string;
  budgetRps?: number;
  settings?: Partial<ServiceParts["settings"]>;
  /** Wraps the lifecycle deps the worker uses (e.g. to inject crashes). */
  wrapLifecycle?: (deps: RunJobDeps) => RunJobDeps;
  maxReceives?: number;
  startWorkers?: boolean;
  /** Hooks of the worker's task messages (webhook user syncs, reconciliations). */
  serviceHooks?: Pick<ServiceParts, "onUserSynced" | "onDriftFound">;
  /** The scopes of the client that submits the harness's jobs (default onboard, offboard, read). */
  clientScopes?: string[];
  /** Faults on the service's DynamoDB and SQS clients, from the moment the table and queues exist. */
  awsFaults?: AwsFaults;
}

export async function startLifecycleHarness(options: HarnessOptions = {}) {
  const sqs = localSqs();
  const doc = localDocumentClient();
  const maxReceives = options.maxReceives ?? 5;
  const [table, urgent, bulk, sandbox] = await Promise.all([
    createTestTable(),
    createTestQueue(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: maxReceives }),
    createTestQueue(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: maxReceives }),
    startSandbox({ latencyMs: 0, jitterMs: 0, ...options.sandbox }),
  ]);
  options.awsFaults?.onDynamoDb(doc);
  options.awsFaults?.onSqs(sqs);
  const service = createServiceDeps({
    kinds: options.kinds ?? JOB_KINDS,
    doc,
    sqs,
    tableName: table.tableName,
    queueUrls: { urgent: urgent.queueUrl, bulk: bulk.queueUrl },
    dialpad: {
      baseUrl: options.dialpadBaseUrl?.(sandbox.baseUrl) ?? sandbox.baseUrl,
      apiKey: { get: async () => sandbox.apiKey, refresh: async () => sandbox.apiKey },
      budgetRps: options.budgetRps ?? 15,
      timeoutMs: 2000,
    },
    settings: {
      retentionDays: 30,
      numberParkingTarget: { to: "office" },
      numbersOnDelete: "park",
      ...options.settings,
    },
    maxReceives,
    ...options.serviceHooks,
  });
  const workerErrors: unknown[] = [];
  const lifecycle = options.wrapLifecycle ? options.wrapLifecycle(service.lifecycle) : service.lifecycle;
  const worker = createWorkerHandler({
    ...service.worker,
    lifecycle,
    busyDelaySeconds: 1,
    retryDelay: () => 0,
  });
  const sources: RunningEventSource[] = [];
  const startWorkers = () => {
    for (const queueUrl of [urgent.queueUrl, bulk.queueUrl])
      sources.push(
        startSqsEventSource({
          sqs,
          queueUrl,
          handler: (event: SQSEvent) => worker(event),
          batchSize: 10,
          maxConcurrency: 2,
          onError: (error) => workerErrors.push(error),
        }),
      );
  };
  if (options.startWorkers !== false) startWorkers();

  const client = "test-client";
  const clientScopes = options.clientScopes ?? ["onboard", "offboard", "read"];
  return {
    sandbox: sandbox as Sandbox,
    service,
    sqs,
    queues: { urgent, bulk },
    tableName: table.tableName,
    workerErrors,
    startWorkers,
    onboard: (request: Partial<OnboardRequest> & { email: string }, idempotencyKey?: string) =>
      submitJob(
        {
          kind: "onboard",
          request: sampleOnboardRequest(request),
        },
        { client, idempotencyKey, scopes: clientScopes },
        service.submit,
      ),
    offboard: (request: OffboardRequest, idempotencyKey?: string) =>
      submitJob(
        { kind: "offboard", request },
        { client, idempotencyKey, scopes: clientScopes },
        service.submit,
      ),
    update: (request: UpdateRequest, idempotencyKey?: string) =>
      submitJob(
        { kind: "update", request },
        { client, idempotencyKey, scopes: clientScopes },
        service.submit,
      ),
    importUsers: (idempotencyKey: string) =>
      submitJob(
        { kind: "import", request: {} },
        { client, idempotencyKey, scopes: clientScopes },
        service.submit,
      ),
    /** Polls the job until it reaches one of `statuses` (default: any terminal one). */
    async waitForJob(
      jobId: string,
      statuses: JobStatus[] = ["succeeded", "failed", "cancelled"],
      // A hang guard: a job takes a second or two alone, far longer on a shared, loaded machine.
      timeoutMs = 90_000,
    ) {
      const deadline = Date.now() + timeoutMs;
      let job: Job | undefined;
      while (Date.now() < deadline) {
        // Under injected AWS faults a read may fail: poll again, as a client would.
        job = await service.jobs.get(jobId).catch((error) => {
          if (isTransientError(error)) return job;
          throw error;
        });
        if (job && statuses.includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`job ${jobId} did not reach ${statuses.join("/")} in time: ${JSON.stringify(job)}`);
    },
    async stop() {
      await Promise.all(sources.map((source) => source.stop()));
      await sandbox.stop();
      await table.drop();
    },
  };
}

export type LifecycleHarness = Awaited<ReturnType<typeof startLifecycleHarness>>;
