/**
 * The work pipeline: the urgent queue (offboarding, deletions, webhook follow-ups) and the bulk queue
 * (onboarding), each with its own DLQ, drained by the worker.
 *
 * One worker function with two event sources, not two functions: both queues carry the same job
 * messages to the same step machines with the same permissions, so a second function would only
 * duplicate a bundle, a role and a log group. Priority does not come from separate functions but
 * from (a) separate event source mappings, each with its own `maxConcurrency`, so a bulk backlog
 * can never occupy the pollers urgent work needs, and (b) the shared rate limiter's urgent share,
 * which bulk work cannot spend. No reserved concurrency: it would cap the API and webhook too and
 * the event sources' `maxConcurrency` already bounds the worker.
 */
import { Duration, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { FUNCTION_MEMORY_MB, functionEntry } from "../function-entries";
import type { StackSettings } from "../stack-settings";
import { laneConcurrency, queueVisibilityTimeoutSeconds } from "../worker-concurrency";
import { dialpadEnvironment, lifecycleEnvironment, secretCacheEnvironment } from "./function-environment";
import { LifecycleFunction } from "./lifecycle-function";

/** Receives before a message is parked in its DLQ (and its job marked failed by the worker). */
export const MAX_RECEIVE_COUNT = 5;

export interface PipelineProps {
  readonly settings: StackSettings;
  readonly table: ITable;
  readonly dialpadApiKeySecret: ISecret;
}

export class Pipeline extends Construct {
  readonly urgentQueue: Queue;
  readonly urgentDeadLetterQueue: Queue;
  readonly bulkQueue: Queue;
  readonly bulkDeadLetterQueue: Queue;
  readonly worker: LifecycleFunction;
  readonly urgentConcurrency: number;
  readonly bulkConcurrency: number;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { settings } = props;
    const workerTimeout = Duration.seconds(settings.workerTimeoutSeconds);
    const bulkBatchingWindow = Duration.seconds(settings.bulkBatchingWindowSeconds);

    const urgent = this.queueWithDeadLetters("Urgent", workerTimeout, Duration.seconds(0));
    const bulk = this.queueWithDeadLetters("Bulk", workerTimeout, bulkBatchingWindow);
    this.urgentQueue = urgent.queue;
    this.urgentDeadLetterQueue = urgent.deadLetterQueue;
    this.bulkQueue = bulk.queue;
    this.bulkDeadLetterQueue = bulk.deadLetterQueue;

    this.worker = new LifecycleFunction(this, "Worker", {
      entry: functionEntry("worker"),
      description: "Runs onboarding, offboarding and deletion jobs from the urgent and bulk queues",
      timeout: workerTimeout,
      memorySize: FUNCTION_MEMORY_MB.worker,
      tracing: settings.xrayTracing,
      logLevel: settings.logLevel,
      environment: {
        ...dialpadEnvironment(settings),
        ...lifecycleEnvironment(settings),
        ...secretCacheEnvironment(settings),
      },
    })
      // Everything the jobs do; delete only for a person's re-keyed items and a dropped seat reading.
      .bindTable(props.table, ["get", "query", "put", "update", "delete"])
      .bindSecret(props.dialpadApiKeySecret, "DIALPAD_API_KEY_SECRET_ARN")
      // The worker re-queues waiting jobs with a delay, and hands follow-ups to the other queue.
      .bindQueue(this.urgentQueue, "URGENT_QUEUE_URL", "send")
      .bindQueue(this.bulkQueue, "BULK_QUEUE_URL", "send");

    const concurrency = laneConcurrency(settings);
    this.urgentConcurrency = concurrency.urgent;
    this.bulkConcurrency = concurrency.bulk;
    this.worker
      .consumeQueue(this.urgentQueue, {
        batchSize: settings.urgentBatchSize,
        maxConcurrency: this.urgentConcurrency,
      })
      .consumeQueue(this.bulkQueue, {
        batchSize: settings.bulkBatchSize,
        maxConcurrency: this.bulkConcurrency,
        maxBatchingWindow: bulkBatchingWindow,
      });
  }

  private queueWithDeadLetters(name: string, workerTimeout: Duration, batchingWindow: Duration) {
    const deadLetterQueue = new Queue(this, `${name}DeadLetterQueue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to inspect and redrive after an incident.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: `This queue is itself the dead-letter queue of the ${name} queue.`,
    });
    const queue = new Queue(this, `${name}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        queueVisibilityTimeoutSeconds(workerTimeout.toSeconds(), batchingWindow.toSeconds()),
      ),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    return { queue, deadLetterQueue };
  }
}
