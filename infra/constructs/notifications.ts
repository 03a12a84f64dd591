/**
 * Job-finished notifications: the callback queue (with its DLQ) drained by the notifier function,
 * and the worker's right to announce: send to the callback queue and put `Job Finished` events on
 * the account's default event bus. Each callback is signed with the callback key of the client that
 * asked for the job, kept in the client registry: the notifier may read that one secret.
 *
 * A function of its own rather than a third event source on the worker: delivering callbacks never
 * calls Dialpad, so it must neither take the worker's Dialpad-sized concurrency nor hold its key.
 * Retries are queue messages with delays (30 s doubling to an hour, for 25 hours), never a
 * sleeping Lambda; the queue's own redrive only catches errors of ours (table, queue, secret).
 */
import { Duration, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { EventBus, type IEventBus } from "aws-cdk-lib/aws-events";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { callbackSettings } from "../../shared/config";
import { FUNCTION_MEMORY_MB, functionEntry } from "../function-entries";
import type { StackSettings } from "../stack-settings";
import { queueVisibilityTimeoutSeconds } from "../worker-concurrency";
import { callbackPortsEnvironment, secretCacheEnvironment } from "./function-environment";
import { LifecycleFunction } from "./lifecycle-function";
import { MAX_RECEIVE_COUNT } from "./pipeline";

const NOTIFIER_TIMEOUT = Duration.seconds(60);

export interface NotificationsProps {
  readonly settings: StackSettings;
  readonly table: ITable;
  /** The function that ends jobs and announces them. */
  readonly worker: LifecycleFunction;
  /** The client registry: the notifier reads each client's callback key there. */
  readonly clientTokensSecret: ISecret;
}

export class Notifications extends Construct {
  readonly callbackQueue: Queue;
  readonly callbackDeadLetterQueue: Queue;
  readonly notifier: LifecycleFunction;
  readonly eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { settings } = props;

    this.callbackDeadLetterQueue = new Queue(this, "CallbackDeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.callbackDeadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This queue is itself the dead-letter queue of the callback queue.",
    });
    this.callbackQueue = new Queue(this, "CallbackQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(queueVisibilityTimeoutSeconds(NOTIFIER_TIMEOUT.toSeconds())),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.callbackDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.notifier = new LifecycleFunction(this, "Notifier", {
      entry: functionEntry("notifier"),
      description: "Delivers signed job-finished callbacks from the callback queue, with retries",
      timeout: NOTIFIER_TIMEOUT,
      memorySize: FUNCTION_MEMORY_MB.notifier,
      tracing: settings.xrayTracing,
      logLevel: settings.logLevel,
      environment: {
        ...secretCacheEnvironment(settings),
        ...callbackPortsEnvironment(settings),
        CALLBACK_ALLOW_LOOPBACK: "false",
      } satisfies { [Name in keyof typeof callbackSettings.shape]?: string } & Record<string, string>,
    })
      // It reads the finished job it announces and the registry's callback keys, nothing else.
      .bindTable(props.table, ["get"])
      .bindSecret(props.clientTokensSecret, "CLIENT_TOKENS_SECRET_ARN")
      // The next attempt is a delayed message on the same queue.
      .bindQueue(this.callbackQueue, "CALLBACK_QUEUE_URL", "send")
      .consumeQueue(this.callbackQueue, { batchSize: 10, maxConcurrency: 5 });

    this.eventBus = EventBus.fromEventBusName(this, "DefaultBus", "default");
    props.worker.bindQueue(this.callbackQueue, "CALLBACK_QUEUE_URL", "send").bindEventBus(this.eventBus);
  }
}
