/**
 * Builds the service from the process environment, once per container: AWS SDK clients (pointed at
 * the local engines when DYNAMODB_ENDPOINT / SQS_ENDPOINT are set), validated settings (fail fast,
 * naming the variable) and the secrets. Lambda handlers and local mode both come through here.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  dialpadSettings,
  lifecycleSettings,
  loadConfig,
  queueSettings,
  secretSettings,
  tableSettings,
} from "../config";
import type { DialpadMetricsHook } from "../dialpad/api";
import type { Lane } from "../lifecycle/ports";
import type { RunJobDeps } from "../lifecycle/run-job";
import { appSecretSource, requireSecrets } from "../secrets/app-secrets";
import { SecretApiKeyProvider } from "../secrets/secret-api-key-provider";
import { createServiceDeps, createStateDeps } from "./service-deps";

const stateSettings = tableSettings.extend(queueSettings.shape);

function stateParts(env: NodeJS.ProcessEnv) {
  const config = loadConfig(stateSettings, env);
  const dynamo = new DynamoDBClient(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {});
  return {
    config,
    doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    sqs: new SQSClient(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
    tableName: config.TABLE_NAME,
    queueUrls: { urgent: config.URGENT_QUEUE_URL, bulk: config.BULK_QUEUE_URL },
  };
}

/** Stores, queues and submission: what the API and webhook functions need. */
export function stateDepsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const parts = stateParts(env);
  return { ...createStateDeps(parts), settings: loadConfig(lifecycleSettings, env) };
}

export interface ObservabilityHooks {
  metrics?: DialpadMetricsHook;
  onLimiterWait?: (ms: number, lane: Lane) => void;
  onJobFinished?: RunJobDeps["onFinished"];
}

/** Everything including Dialpad: what the worker, sweeper and reconciler need. */
export function serviceDepsFromEnv(env: NodeJS.ProcessEnv = process.env, hooks: ObservabilityHooks = {}) {
  const parts = stateParts(env);
  const dialpad = loadConfig(dialpadSettings, env);
  const lifecycle = loadConfig(lifecycleSettings, env);
  const secrets = loadConfig(secretSettings, env);
  requireSecrets(secrets, ["dialpad_api_key"]);
  const service = createServiceDeps({
    ...parts,
    dialpad: {
      baseUrl: dialpad.DIALPAD_BASE_URL,
      apiKey: new SecretApiKeyProvider(appSecretSource(secrets), "dialpad_api_key"),
      budgetRps: dialpad.DIALPAD_RATE_LIMIT_RPS,
      urgentShare: dialpad.DIALPAD_URGENT_SHARE,
      timeoutMs: dialpad.DIALPAD_TIMEOUT_MS,
      maxAttempts: dialpad.DIALPAD_MAX_ATTEMPTS,
      ...(hooks.metrics ? { metrics: hooks.metrics } : {}),
      ...(hooks.onLimiterWait ? { onLimiterWait: hooks.onLimiterWait } : {}),
    },
    settings: {
      retentionDays: lifecycle.RETENTION_DAYS,
      keepNumbersOnDelete: lifecycle.KEEP_NUMBERS_ON_DELETE,
    },
    maxReceives: parts.config.JOB_MAX_RECEIVES,
    ...(hooks.onJobFinished ? { onJobFinished: hooks.onJobFinished } : {}),
  });
  return { ...service, settings: lifecycle };
}
