/**
 * Builds the service from the process environment, once per container: AWS SDK clients (pointed at
 * the local engines when DYNAMODB_ENDPOINT / SQS_ENDPOINT are set), validated settings (fail fast,
 * naming the variable) and the secrets. Lambda handlers and local mode both come through here.
 */

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { serviceClientRegistry } from "../auth/client-registry-source";
import {
  announceSettings,
  ConfigError,
  callbackSettings,
  dialpadSettings,
  lifecycleSettings,
  loadConfig,
  queueSettings,
  secretSettings,
  tableSettings,
} from "../config";
import type { DialpadMetricsHook } from "../dialpad/api";
import { type JobKindRegistry, PROGRESS_UNREAD } from "../lifecycle/job-kind";
import type { Job } from "../lifecycle/model";
import { type JobQueue, type Lane, systemClock } from "../lifecycle/ports";
import type { ResendDeps } from "../lifecycle/resend-unsent-jobs";
import type { RunJobDeps } from "../lifecycle/run-job";
import { HttpCallbackSender } from "../notify/callback-sender";
import type { DeliverDeps } from "../notify/deliver-callback";
import { EventBridgeJobEvents, RecordingJobEvents } from "../notify/job-finished-events";
import { SqsCallbackQueue } from "../notify/sqs-callback-queue";
import { createLogger } from "../observability/logger";
import { METRIC_NAMES } from "../observability/metric-names";
import { createMetrics } from "../observability/metrics";
import {
  type AwsClientTracer,
  allDialpadHooks,
  type SegmentSource,
  traced,
  XRayDialpadHook,
} from "../observability/tracing";
import { SqsJobQueue } from "../queue/sqs-job-queue";
import type { ReconcileDeps } from "../reconcile/run-reconciliation";
import type { SweepDeps } from "../retention/run-sweep";
import { appSecretSource, requireSecrets, type SecretSettings } from "../secrets/app-secrets";
import { SecretApiKeyProvider } from "../secrets/secret-api-key-provider";
import { DynamoJobStore } from "../store/job-store";
import { DynamoPersonStore } from "../store/person-store";
import { DynamoReconcileReportStore } from "../store/reconcile-report-store";
import { DynamoWebhookEventLog } from "../store/webhook-event-store";
import type { ReceiveDeps } from "../webhook/receive-event";
import { SqsUserSyncQueue } from "../webhook/sqs-user-sync-queue";
import { WebhookKeyring } from "../webhook/webhook-keys";
import { createDialpadLanes, createServiceDeps, createStateDeps, type ServiceParts } from "./service-deps";

const stateSettings = tableSettings.extend(queueSettings.shape);

/** What a function's Powertools Tracer brings to the wiring: captured AWS clients and Dialpad subsegments. */
export type FunctionTracer = AwsClientTracer & SegmentSource;

function tableParts(env: NodeJS.ProcessEnv, tracer?: AwsClientTracer) {
  const config = loadConfig(tableSettings, env);
  const dynamo = traced(
    new DynamoDBClient(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    tracer,
  );
  return {
    doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: config.TABLE_NAME,
    jobAuditDays: config.JOB_AUDIT_DAYS,
    personRecordDays: config.PERSON_RECORD_DAYS,
  };
}

function stateParts(env: NodeJS.ProcessEnv, tracer?: AwsClientTracer) {
  const config = loadConfig(stateSettings, env);
  return {
    config,
    ...tableParts(env, tracer),
    sqs: traced(new SQSClient(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}), tracer),
    queueUrls: { urgent: config.URGENT_QUEUE_URL, bulk: config.BULK_QUEUE_URL },
  };
}

/** The webhook and sweeper functions are bound to the urgent queue only (least privilege). */
const urgentQueueSettings = queueSettings.pick({ URGENT_QUEUE_URL: true, SQS_ENDPOINT: true });

function urgentParts(env: NodeJS.ProcessEnv, tracer?: AwsClientTracer) {
  const config = loadConfig(urgentQueueSettings, env);
  const sqs = traced(new SQSClient(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}), tracer);
  const sqsQueue = new SqsJobQueue(sqs, { urgent: config.URGENT_QUEUE_URL, bulk: config.URGENT_QUEUE_URL });
  // Only urgent work (deletions) is submitted from these functions; a bulk send is a wiring bug.
  const queue: JobQueue = {
    enqueue: (jobId, lane, delaySeconds) =>
      lane === "urgent"
        ? sqsQueue.enqueue(jobId, lane, delaySeconds)
        : Promise.reject(new ConfigError("This function is bound to the urgent queue only.")),
  };
  return { ...tableParts(env, tracer), sqs, urgentQueueUrl: config.URGENT_QUEUE_URL, queue };
}

/** Stores, queues and submission: what the API and webhook functions need. */
export function stateDepsFromEnv(
  kinds: JobKindRegistry,
  env: NodeJS.ProcessEnv = process.env,
  tracer?: AwsClientTracer,
) {
  const parts = stateParts(env, tracer);
  const settings = loadConfig(lifecycleSettings, env);
  return {
    ...createStateDeps({
      ...parts,
      kinds,
      massOffboardLimit: settings.MASS_OFFBOARD_LIMIT,
      onJobHeld: reportJobHeld,
    }),
    settings,
    table: { doc: parts.doc, tableName: parts.tableName },
  };
}

export interface ObservabilityHooks {
  /** The function's tracer: AWS clients are captured and Dialpad exchanges become subsegments. */
  tracer?: FunctionTracer;
  metrics?: DialpadMetricsHook;
  onLimiterWait?: (ms: number, lane: Lane) => void;
  onJobFinished?: RunJobDeps["onFinished"];
  onSeatsChecked?: RunJobDeps["onSeatsChecked"];
  onUnexpectedError?: RunJobDeps["onUnexpectedError"];
  onUserSynced?: ServiceParts["onUserSynced"];
  onDriftFound?: ServiceParts["onDriftFound"];
}

/** DriftFound as one EMF line at once, for entries that do not pass a metrics hook of their own. */
export function publishDriftFound(driftedUsers: number): void {
  createMetrics().singleMetric().addMetric(METRIC_NAMES.driftFound, MetricUnit.Count, driftedUsers);
}

const guardLogger = createLogger({ component: "mass-change-guard" });
/** JobsHeld as one EMF line at once (its alarm asks someone to release or cancel), and a warning naming the job. */
function reportJobHeld(job: Job): void {
  createMetrics().singleMetric().addMetric(METRIC_NAMES.jobsHeld, MetricUnit.Count, 1);
  guardLogger.warn("Offboard held by the mass-change guard", { job_id: job.job_id, client: job.client });
}

const userSyncLogger = createLogger({ component: "user-sync" });
/** Logs each webhook user sync (user id, event, outcome; no email). */
const logUserSync: NonNullable<ServiceParts["onUserSynced"]> = (message, outcome) =>
  userSyncLogger.info("Webhook user sync", {
    user_id: message.user_id,
    event_id: message.event_id,
    status: outcome.status,
    ...(outcome.status === "applied" ? { action: outcome.action } : {}),
  });

/** The Dialpad client settings and the API key (from its secret), shared by every Dialpad caller. */
function dialpadPartsFromEnv(
  env: NodeJS.ProcessEnv,
  hooks: Pick<ObservabilityHooks, "metrics" | "onLimiterWait" | "tracer">,
): ServiceParts["dialpad"] {
  const dialpad = loadConfig(dialpadSettings, env);
  const secrets = loadConfig(secretSettings, env);
  requireSecrets(secrets, ["dialpad_api_key"]);
  const metrics = allDialpadHooks(hooks.metrics, hooks.tracer && new XRayDialpadHook(hooks.tracer));
  return {
    baseUrl: dialpad.DIALPAD_BASE_URL,
    apiKey: new SecretApiKeyProvider(tracedSecretSource(secrets, hooks.tracer), "dialpad_api_key"),
    budgetRps: dialpad.DIALPAD_RATE_LIMIT_RPS,
    timeoutMs: dialpad.DIALPAD_TIMEOUT_MS,
    maxAttempts: dialpad.DIALPAD_MAX_ATTEMPTS,
    ...(metrics ? { metrics } : {}),
    ...(hooks.onLimiterWait ? { onLimiterWait: hooks.onLimiterWait } : {}),
  };
}

/** The app's secrets, read through a captured Secrets Manager client when the function is traced. */
function tracedSecretSource(settings: SecretSettings, tracer: AwsClientTracer | undefined) {
  return appSecretSource(
    settings,
    tracer ? { secretsManagerClient: traced(new SecretsManagerClient({}), tracer) } : {},
  );
}

/** Everything including Dialpad: what the worker needs. */
export function serviceDepsFromEnv(
  kinds: JobKindRegistry,
  env: NodeJS.ProcessEnv = process.env,
  hooks: ObservabilityHooks = {},
) {
  const parts = stateParts(env, hooks.tracer);
  const lifecycle = loadConfig(lifecycleSettings, env);
  const service = createServiceDeps({
    ...parts,
    kinds,
    dialpad: dialpadPartsFromEnv(env, hooks),
    settings: {
      retentionDays: lifecycle.RETENTION_DAYS,
      numberParkingTarget: lifecycle.NUMBER_PARKING_TARGET,
      numbersOnDelete: lifecycle.NUMBERS_ON_DELETE,
      requireDeletionApproval: lifecycle.REQUIRE_DELETION_APPROVAL,
    },
    maxReceives: parts.config.JOB_MAX_RECEIVES,
    ...(hooks.onJobFinished ? { onJobFinished: hooks.onJobFinished } : {}),
    ...(hooks.onSeatsChecked ? { onSeatsChecked: hooks.onSeatsChecked } : {}),
    ...(hooks.onUnexpectedError ? { onUnexpectedError: hooks.onUnexpectedError } : {}),
    announce: announcePartsFromEnv(env, hooks.tracer),
    onUserSynced: hooks.onUserSynced ?? logUserSync,
    onDriftFound: hooks.onDriftFound ?? publishDriftFound,
  });
  return { ...service, settings: lifecycle };
}

const eventsLogger = createLogger({ component: "job-events" });

/** Job Finished events go to EventBridge when EVENT_BUS_NAME is set (AWS); local mode records and logs them. */
function announcePartsFromEnv(env: NodeJS.ProcessEnv, tracer: AwsClientTracer | undefined) {
  const config = loadConfig(announceSettings, env);
  const events = config.EVENT_BUS_NAME
    ? new EventBridgeJobEvents(traced(new EventBridgeClient({}), tracer), config.EVENT_BUS_NAME)
    : new RecordingJobEvents((event) =>
        eventsLogger.info("Job Finished event", { job_id: event.detail.job_id, status: event.detail.status }),
      );
  return { events, callbackQueueUrl: config.CALLBACK_QUEUE_URL };
}

/** The notifier: the job table (read), the callback queue, the HTTP sender and the signing key. */
export function callbackDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  hooks: { tracer?: AwsClientTracer; onFailure?: DeliverDeps["onFailure"] } = {},
): DeliverDeps {
  const config = loadConfig(callbackSettings, env);
  const table = tableParts(env, hooks.tracer);
  const queueSettings = loadConfig(stateSettings.pick({ SQS_ENDPOINT: true }), env);
  const sqs = traced(
    new SQSClient(queueSettings.SQS_ENDPOINT ? { endpoint: queueSettings.SQS_ENDPOINT } : {}),
    hooks.tracer,
  );
  const secrets = loadConfig(secretSettings, env);
  requireSecrets(secrets, ["client_tokens"]);
  const registry = serviceClientRegistry(
    tracedSecretSource(secrets, hooks.tracer),
    secrets.LOCAL_CLIENTS_FILE,
  );
  return {
    // The notifier shows jobs and never reads their progress: it carries no kind's steps.
    jobs: new DynamoJobStore(table.doc, table.tableName, PROGRESS_UNREAD, table.jobAuditDays),
    sender: new HttpCallbackSender({
      allowLoopback: config.CALLBACK_ALLOW_LOOPBACK,
      allowedPorts: config.CALLBACK_PORTS,
      timeoutMs: config.CALLBACK_TIMEOUT_MS,
    }),
    queue: new SqsCallbackQueue(sqs, config.CALLBACK_QUEUE_URL),
    callbackKeys: {
      keyOf: async (client) => (await registry.load()).clients.find((c) => c.name === client)?.callbackKey,
    },
    clock: systemClock,
    retryBaseSeconds: config.CALLBACK_RETRY_BASE_SECONDS,
    ...(hooks.onFailure ? { onFailure: hooks.onFailure } : {}),
  };
}

/** The webhook receiver: webhook keys, the event log and the urgent queue; no Dialpad. */
export function webhookDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  tracer?: AwsClientTracer,
): ReceiveDeps {
  const parts = urgentParts(env, tracer);
  const secrets = loadConfig(secretSettings, env);
  requireSecrets(secrets, ["webhook_secret"]);
  return {
    keys: new WebhookKeyring(tracedSecretSource(secrets, tracer), "webhook_secret"),
    events: new DynamoWebhookEventLog(parts.doc, parts.tableName),
    userSyncs: new SqsUserSyncQueue(parts.sqs, parts.urgentQueueUrl),
    clock: systemClock,
  };
}

/** The retention sweeper: the due list, job creation and both queues; no Dialpad. */
export function sweepDepsFromEnv(
  kinds: JobKindRegistry,
  env: NodeJS.ProcessEnv = process.env,
  tracer?: AwsClientTracer,
): SweepDeps & ResendDeps {
  // Both queues: besides deletions (urgent), it re-sends any accepted job whose send was lost.
  const state = createStateDeps({ ...stateParts(env, tracer), kinds });
  const lifecycle = loadConfig(lifecycleSettings, env);
  return {
    kinds,
    people: state.people,
    jobs: state.jobs,
    queue: state.queue,
    clock: systemClock,
    requireApproval: lifecycle.REQUIRE_DELETION_APPROVAL,
  };
}

/** The scheduled reconciler: records, reports and the bulk lane's Dialpad client; no queues. */
export function reconcileDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  hooks: Pick<ObservabilityHooks, "metrics" | "onLimiterWait" | "onDriftFound" | "tracer"> = {},
): ReconcileDeps {
  const parts = tableParts(env, hooks.tracer);
  const lanes = createDialpadLanes({ ...parts, dialpad: dialpadPartsFromEnv(env, hooks) });
  return {
    dialpad: lanes.dialpad.bulk,
    records: new DynamoPersonStore(parts.doc, parts.tableName, { recordDays: parts.personRecordDays }),
    reports: new DynamoReconcileReportStore(parts.doc, parts.tableName),
    clock: systemClock,
    onDriftFound: hooks.onDriftFound ?? publishDriftFound,
  };
}
