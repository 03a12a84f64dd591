/**
 * The AWS side of local mode: DynamoDB Local and the SQS server as child processes on free ports,
 * then the service's table (the stack's key schema, `createTableInput`) and the urgent, bulk and
 * callback queues, each with a dead-letter queue after `maxReceives` receives as the stack's redrive policy.
 * The engines keep everything in memory: every start begins empty. Given the endpoints of engines
 * already running (LOCAL_DYNAMODB_ENDPOINT, LOCAL_SQS_ENDPOINT), it starts none and uses those: a
 * table and queues already there under the same names are kept, with what they hold.
 */

import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Lane } from "../../shared/lifecycle/ports";
import { createTableInput } from "../../shared/store/table-definition";
import { type RunningEngine, startAllOrNone } from "../engines/child-process";
import { assertJavaAvailable, ensureDynamoDbLocalJar, startDynamoDbLocal } from "../engines/dynamodb-local";
import { createQueueWithDeadLetters } from "../engines/job-queues";
import { startSqsServer } from "../engines/sqs-server";
import { LOCAL_REGION } from "./lambda-context";

export const LOCAL_TABLE_NAME = "dialpad-lifecycle-local";
/** The SDK insists on credentials; the local engines accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface LocalQueue {
  url: string;
  deadLetterUrl: string;
}

export interface LocalAws {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queues: Record<Lane, LocalQueue>;
  /** Job-finished callback deliveries (the notifier's queue). */
  callbackQueue: LocalQueue;
  /** A client of the local SQS server, for the event sources. */
  sqs: SQSClient;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  /** Engines already running: none is started, nor stopped. */
  running?: { dynamodb: string; sqs: string } | undefined;
  /** Redrive to the DLQ after this many receives (JOB_MAX_RECEIVES). */
  maxReceives: number;
  /** The queues' visibility timeout. */
  visibilityTimeoutSeconds: number;
  onProgress?: (message: string) => void;
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const engines: RunningEngine[] = [];
  const stopEngines = async () => {
    await Promise.allSettled(engines.map((engine) => engine.stop()));
  };
  try {
    const { dynamodb, sqsServer } = options.running
      ? { dynamodb: { endpoint: options.running.dynamodb }, sqsServer: { endpoint: options.running.sqs } }
      : await startEngines(engines, options);
    const clientSettings = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamo = new DynamoDBClient({ ...clientSettings, endpoint: dynamodb.endpoint });
    const sqs = new SQSClient({ ...clientSettings, endpoint: sqsServer.endpoint });
    const [, urgent, bulk, callbackQueue] = await Promise.all([
      dynamo.send(new CreateTableCommand(createTableInput(LOCAL_TABLE_NAME))).catch((error: unknown) => {
        // Engines of the caller's may hold the table from an earlier start: keep it.
        if (!(options.running && error instanceof ResourceInUseException)) throw error;
      }),
      localQueue(sqs, "dialpad-lifecycle-urgent", options),
      localQueue(sqs, "dialpad-lifecycle-bulk", options),
      localQueue(sqs, "dialpad-lifecycle-callbacks", options),
    ]);
    dynamo.destroy();
    options.onProgress?.(
      `table ${LOCAL_TABLE_NAME}, queues urgent, bulk and callbacks (each with a DLQ) ${options.running ? "ready" : "created"}`,
    );
    return {
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqsServer.endpoint,
      tableName: LOCAL_TABLE_NAME,
      queues: { urgent, bulk },
      callbackQueue,
      sqs,
      stop: async () => {
        sqs.destroy();
        await stopEngines();
      },
    };
  } catch (error) {
    await stopEngines();
    throw error;
  }
}

async function startEngines(engines: RunningEngine[], options: LocalAwsOptions) {
  assertJavaAvailable(); // before starting anything, so a missing Java leaves nothing behind
  const fetchStarted = Date.now();
  ensureDynamoDbLocalJar();
  if (Date.now() - fetchStarted > 1000) {
    options.onProgress?.(
      `fetched DynamoDB Local into .cache/ (first run only, ${Date.now() - fetchStarted} ms)`,
    );
  }
  const started = Date.now();
  // In process groups of their own (child-process.ts): Ctrl-C reaches only local mode, which
  // stops the pollers before the engines.
  const [dynamodb, sqsServer] = await startAllOrNone<[RunningEngine, RunningEngine]>([
    startDynamoDbLocal(),
    startSqsServer(),
  ]);
  engines.push(dynamodb, sqsServer);
  options.onProgress?.(
    `DynamoDB Local at ${dynamodb.endpoint}, SQS server at ${sqsServer.endpoint} (${Date.now() - started} ms)`,
  );
  return { dynamodb, sqsServer };
}

async function localQueue(sqs: SQSClient, name: string, options: LocalAwsOptions): Promise<LocalQueue> {
  const { queueUrl, dlqUrl } = await createQueueWithDeadLetters(sqs, {
    name,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    maxReceiveCount: options.maxReceives,
  });
  return { url: queueUrl, deadLetterUrl: dlqUrl };
}
