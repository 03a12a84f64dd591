/**
 * The composition root: assembles adapters and use cases from clients and settings. The Lambda
 * handlers (from the environment), local mode and the integration tests all build the service with
 * this one function, so they run the same wiring.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ApiKeyProvider, DialpadMetricsHook } from "../dialpad/api";
import { DialpadClient } from "../dialpad/client";
import { OfficeDirectory } from "../lifecycle/office-directory";
import { type Clock, type Lane, systemClock } from "../lifecycle/ports";
import type { RunJobDeps } from "../lifecycle/run-job";
import type { LifecycleSettings } from "../lifecycle/steps";
import type { SubmitDeps } from "../lifecycle/submit-job";
import { SqsJobQueue } from "../queue/sqs-job-queue";
import { createSharedRateBudget } from "../ratelimit/shared-rate-budget";
import { DynamoJobStore } from "../store/job-store";
import { DynamoPersonStore } from "../store/person-store";

export interface StateParts {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  queueUrls: Record<Lane, string>;
  clock?: Clock;
}

/** What every function needs: the stores, the queues and job submission (no Dialpad). */
export function createStateDeps(parts: StateParts) {
  const clock = parts.clock ?? systemClock;
  const jobs = new DynamoJobStore(parts.doc, parts.tableName);
  const people = new DynamoPersonStore(parts.doc, parts.tableName);
  const queue = new SqsJobQueue(parts.sqs, parts.queueUrls);
  const submit: SubmitDeps = { jobs, people, queue, clock };
  return { jobs, people, queue, clock, submit };
}

export type StateDeps = ReturnType<typeof createStateDeps>;

export interface ServiceParts extends StateParts {
  dialpad: {
    baseUrl: string;
    apiKey: ApiKeyProvider;
    budgetRps: number;
    urgentShare: number;
    timeoutMs?: number;
    maxAttempts?: number;
    metrics?: DialpadMetricsHook;
    onLimiterWait?: (ms: number, lane: Lane) => void;
  };
  settings: LifecycleSettings;
  /** The queues' redrive maxReceiveCount. */
  maxReceives: number;
  onJobFinished?: RunJobDeps["onFinished"];
}

/** Everything, including the Dialpad clients on the shared rate budget (worker, sweeper, reconciler). */
export function createServiceDeps(parts: ServiceParts) {
  const state = createStateDeps(parts);
  const { jobs, people, queue, clock } = state;
  const budget = createSharedRateBudget({
    doc: parts.doc,
    tableName: parts.tableName,
    budgetRps: parts.dialpad.budgetRps,
    urgentShare: parts.dialpad.urgentShare,
    ...(parts.dialpad.onLimiterWait ? { onWait: parts.dialpad.onLimiterWait } : {}),
  });
  const dialpadFor = (lane: Lane) =>
    new DialpadClient({
      baseUrl: parts.dialpad.baseUrl,
      apiKey: parts.dialpad.apiKey,
      rateLimiter: budget.limiterFor(lane),
      ...(parts.dialpad.metrics ? { metrics: parts.dialpad.metrics } : {}),
      ...(parts.dialpad.timeoutMs ? { timeoutMs: parts.dialpad.timeoutMs } : {}),
      ...(parts.dialpad.maxAttempts ? { maxAttempts: parts.dialpad.maxAttempts } : {}),
    });
  const dialpad: Record<Lane, DialpadClient> = { urgent: dialpadFor("urgent"), bulk: dialpadFor("bulk") };
  const lifecycle: RunJobDeps = {
    jobs,
    people,
    dialpad,
    offices: new OfficeDirectory(dialpad.bulk),
    clock,
    settings: parts.settings,
    ...(parts.onJobFinished ? { onFinished: parts.onJobFinished } : {}),
  };
  const worker = { lifecycle, queues: queue, maxReceives: parts.maxReceives };
  return { ...state, budget, dialpad, lifecycle, worker };
}

export type ServiceDeps = ReturnType<typeof createServiceDeps>;
