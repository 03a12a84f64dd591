/**
 * Local mode's composition: starts every part in order and stops them in reverse.
 * Primary course: engines an earlier run left behind stopped → engines + table + queues → Dialpad
 * target (sandbox or another server) → the handlers' environment → HTTP front on PORT → webhook
 * registration → worker event sources on both queues → sweeper and reconciler timers. The functions
 * are the very Lambda entries the stack deploys (functions/*\/handler.ts), loaded only after the
 * environment is set because they read it when their modules load (Powertools) and on first use
 * (dependencies).
 */
import { randomBytes } from "node:crypto";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { loadConfig, queueSettings } from "../../shared/config";
import type { Lane } from "../../shared/lifecycle/ports";
import { describeLeftovers, stopLeftoverEngines } from "../engines/leftover-engines";
import {
  canReachLocalWebhook,
  type DialpadTarget,
  registerChangeLogWebhook,
  startDialpadTarget,
} from "./dialpad-target";
import { applyHandlerEnvironment, handlerEnvironment } from "./handler-environment";
import { type HttpFrontFunctions, type RunningHttpFront, startHttpFront } from "./http-front";
import { type LambdaEntry, lambdaContext } from "./lambda-context";
import { type LocalAws, startLocalAws } from "./local-aws";
import type { LocalSettings } from "./local-settings";
import { describeError, type ProgressLog } from "./progress-log";
import { type RunningSchedule, startScheduledRuns } from "./scheduled-runs";
import { type RunningEventSource, startSqsEventSource } from "./sqs-event-source";
import { workerSizing } from "./worker-sizing";

/** The functions' timeouts in the stack (infra/constructs/schedules.ts). */
const SWEEPER_TIMEOUT_SECONDS = 120;
const RECONCILER_TIMEOUT_SECONDS = 900;
const NOTIFIER_TIMEOUT_SECONDS = 60;

export const WEBHOOK_PATH = "/v1/webhooks/dialpad";

export interface RunningLocalService {
  /** The HTTP front, e.g. http://127.0.0.1:3000 */
  url: string;
  token: string;
  dialpadBaseUrl: string;
  /** Set when the embedded sandbox runs. */
  sandboxUrl?: string;
  /** Stops everything; resolves when every child process is gone. */
  stop(): Promise<void>;
}

type Stoppable = { stop(): Promise<void> };

export async function startLocalService(
  settings: LocalSettings,
  log: ProgressLog,
): Promise<RunningLocalService> {
  // Stopped in reverse order of start, whatever happens half-way.
  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch((error) => log.error(describeError(error)));
    started.length = 0;
  };
  try {
    const { JOB_MAX_RECEIVES: maxReceives } = loadConfig(queueSettings.pick({ JOB_MAX_RECEIVES: true }));
    const sizing = workerSizing(settings.DIALPAD_RATE_LIMIT_RPS);

    const running =
      settings.LOCAL_DYNAMODB_ENDPOINT && settings.LOCAL_SQS_ENDPOINT
        ? { dynamodb: settings.LOCAL_DYNAMODB_ENDPOINT, sqs: settings.LOCAL_SQS_ENDPOINT }
        : undefined;
    if (!running) {
      const leftovers = stopLeftoverEngines();
      if (leftovers.length > 0) log.step(describeLeftovers(leftovers));
      log.step("starting DynamoDB Local and the SQS server...");
    }
    const aws: LocalAws = await startLocalAws({
      running,
      maxReceives,
      visibilityTimeoutSeconds: sizing.visibilityTimeoutSeconds,
      onProgress: (message) => log.step(message),
    });
    started.push(aws);

    const target: DialpadTarget = await startDialpadTarget({
      baseUrl: settings.DIALPAD_BASE_URL,
      apiKey: settings.DIALPAD_API_KEY,
      sandboxPort: settings.SANDBOX_PORT,
    });
    started.push(target);
    log.step(
      target.sandboxUrl
        ? `Dialpad sandbox at ${target.baseUrl} (its state: ${target.sandboxUrl}/__sandbox/state)`
        : `Dialpad: ${target.baseUrl} (DIALPAD_BASE_URL; no sandbox started)`,
    );

    // Not printed: a secret. Set DIALPAD_WEBHOOK_SECRET to sign test events yourself.
    const webhookSecret = settings.DIALPAD_WEBHOOK_SECRET ?? randomBytes(24).toString("base64url");
    applyHandlerEnvironment(
      handlerEnvironment({
        tableName: aws.tableName,
        dynamodbEndpoint: aws.dynamodbEndpoint,
        sqsEndpoint: aws.sqsEndpoint,
        queueUrls: { urgent: aws.queues.urgent.url, bulk: aws.queues.bulk.url },
        callbackQueueUrl: aws.callbackQueue.url,
        localCallbackKey: settings.LOCAL_CALLBACK_KEY ?? randomBytes(32).toString("base64url"),
        callbackRetryBaseSeconds: settings.CALLBACK_RETRY_BASE_SECONDS,
        maxReceives,
        dialpadBaseUrl: target.baseUrl,
        dialpadApiKey: target.apiKey,
        webhookSecret,
        apiToken: settings.LOCAL_API_TOKEN,
        rateLimitRps: settings.DIALPAD_RATE_LIMIT_RPS,
        retentionDays: settings.RETENTION_DAYS,
      }),
    );
    const functions = loadFunctions();
    // Loaded now rather than on the first request, so the first curl after `ready` is not the slow one.
    await Promise.all([functions.http(), functions.worker()]);

    const front: RunningHttpFront = await startHttpFront({
      port: settings.PORT,
      functions: functions.http,
      onError: (message) => log.error(message),
    });
    started.push(front);

    const hookUrl = `${front.url}${WEBHOOK_PATH}`;
    if (canReachLocalWebhook(target.baseUrl)) {
      try {
        const id = await registerChangeLogWebhook(target, hookUrl, webhookSecret);
        log.step(`webhook ${id} → ${hookUrl}, subscribed to the user change log`);
      } catch (error) {
        log.warn(
          `could not register the change-log webhook (${describeError(error)}); Dialpad changes made by hand will not be seen`,
        );
      }
    } else {
      log.step(`webhook not registered: ${new URL(target.baseUrl).host} cannot reach ${hookUrl}`);
    }

    const worker = async (event: SQSEvent) =>
      (await (
        await functions.worker()
      )(event, lambdaContext("worker", sizing.workerTimeoutSeconds))) as SQSBatchResponse | undefined;
    for (const lane of ["urgent", "bulk"] as const satisfies Lane[]) {
      const source: RunningEventSource = startSqsEventSource({
        sqs: aws.sqs,
        queueUrl: aws.queues[lane].url,
        handler: worker,
        batchSize: sizing.lanes[lane].batchSize,
        maxConcurrency: sizing.lanes[lane].maxConcurrency,
        batchingWindowSeconds: sizing.lanes[lane].batchingWindowSeconds,
        onError: (error) => log.error(`worker (${lane} queue): ${describeError(error)}`),
      });
      started.push(source);
    }
    log.step(
      `worker polling urgent (batch ${sizing.lanes.urgent.batchSize}, concurrency ${sizing.lanes.urgent.maxConcurrency}) ` +
        `and bulk (batch ${sizing.lanes.bulk.batchSize} gathered over ${sizing.lanes.bulk.batchingWindowSeconds} s, concurrency ${sizing.lanes.bulk.maxConcurrency})`,
    );

    const notifier = async (event: SQSEvent) =>
      (await (
        await functions.notifier()
      )(event, lambdaContext("notifier", NOTIFIER_TIMEOUT_SECONDS))) as SQSBatchResponse | undefined;
    started.push(
      startSqsEventSource({
        sqs: aws.sqs,
        queueUrl: aws.callbackQueue.url,
        handler: notifier,
        batchSize: 10,
        maxConcurrency: 2,
        onError: (error) => log.error(`notifier (callback queue): ${describeError(error)}`),
      }),
    );
    log.step(
      settings.LOCAL_CALLBACK_KEY
        ? "notifier polling the callback queue (the local client's callbacks signed with LOCAL_CALLBACK_KEY)"
        : "notifier polling the callback queue (set LOCAL_CALLBACK_KEY to verify the local client's callbacks)",
    );

    const schedules: RunningSchedule[] = [
      startScheduledRuns({
        name: "sweeper",
        intervalSeconds: settings.SWEEP_INTERVAL_SECONDS,
        timeoutSeconds: SWEEPER_TIMEOUT_SECONDS,
        entry: functions.sweeper,
        onError: (message) => log.error(message),
        onRecovered: () => log.step("sweeper runs again"),
      }),
      startScheduledRuns({
        name: "reconciler",
        intervalSeconds: settings.RECONCILE_INTERVAL_SECONDS,
        timeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
        entry: functions.reconciler,
        onError: (message) => log.error(message),
        onRecovered: () => log.step("reconciler runs again"),
      }),
    ];
    started.push(...schedules);
    log.step(
      `sweeper every ${settings.SWEEP_INTERVAL_SECONDS} s (retention ${settings.RETENTION_DAYS} days), ` +
        `reconciler every ${settings.RECONCILE_INTERVAL_SECONDS} s`,
    );

    return {
      url: front.url,
      token: settings.LOCAL_API_TOKEN,
      dialpadBaseUrl: target.baseUrl,
      ...(target.sandboxUrl ? { sandboxUrl: target.sandboxUrl } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The deployed functions' entries, imported on first use (after the environment is set). Each
 * module is imported once, like a Lambda container that stays warm.
 */
function loadFunctions() {
  const once = <T>(load: () => Promise<T>) => {
    let loaded: Promise<T> | undefined;
    return () => {
      loaded ??= load();
      return loaded;
    };
  };
  const entry = (module: Promise<{ handler: unknown }>) => module.then((m) => m.handler as LambdaEntry);
  return {
    http: once(
      async (): Promise<HttpFrontFunctions> => ({
        authorizer: await entry(import("../../functions/authorizer/handler")),
        api: await entry(import("../../functions/api/handler")),
        webhook: await entry(import("../../functions/webhook/handler")),
      }),
    ),
    worker: once(() => entry(import("../../functions/worker/handler"))),
    sweeper: once(() => entry(import("../../functions/sweeper/handler"))),
    reconciler: once(() => entry(import("../../functions/reconciler/handler"))),
    notifier: once(() => entry(import("../../functions/notifier/handler"))),
  };
}
