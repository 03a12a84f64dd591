/**
 * The AWS side of local mode: DynamoDB Local and the SQS server as child processes on free ports,
 * then the service's table (the stack's key schema, `createTableInput`) and the urgent and bulk
 * queues, each with a dead-letter queue after `maxReceives` receives as the stack's redrive policy.
 * The engines keep everything in memory: every start begins empty.
 */

import { join, resolve } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Lane } from "../../shared/lifecycle/ports";
import { createTableInput } from "../../shared/store/table-definition";
import { freePort, type RunningEngine, spawnEngine } from "../engines/child-process";
import { assertJavaAvailable, ensureDynamoDbLocalJar, startDynamoDbLocal } from "../engines/dynamodb-local";
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
  /** A client of the local SQS server, for the event sources. */
  sqs: SQSClient;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
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
  assertJavaAvailable(); // before starting anything, so a missing Java leaves nothing behind
  try {
    const fetchStarted = Date.now();
    ensureDynamoDbLocalJar();
    if (Date.now() - fetchStarted > 1000) {
      options.onProgress?.(
        `fetched DynamoDB Local into .cache/ (first run only, ${Date.now() - fetchStarted} ms)`,
      );
    }
    const started = Date.now();
    // Settled, not all: when one engine fails, the other must still be known so it can be stopped.
    const results = await withFastJvmStart(() =>
      Promise.allSettled([startDynamoDbLocal(), startSqsServerWithParseableUrls()]),
    );
    for (const result of results) if (result.status === "fulfilled") engines.push(result.value);
    const [dynamodb, sqsServer] = results.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    }) as [RunningEngine, RunningEngine];
    options.onProgress?.(
      `DynamoDB Local at ${dynamodb.endpoint}, SQS server at ${sqsServer.endpoint} (${Date.now() - started} ms)`,
    );
    const clientSettings = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamo = new DynamoDBClient({ ...clientSettings, endpoint: dynamodb.endpoint });
    const sqs = new SQSClient({ ...clientSettings, endpoint: sqsServer.endpoint });
    const [, urgent, bulk] = await Promise.all([
      dynamo.send(new CreateTableCommand(createTableInput(LOCAL_TABLE_NAME))),
      createQueueWithDeadLetters(sqs, "dialpad-lifecycle-urgent", options),
      createQueueWithDeadLetters(sqs, "dialpad-lifecycle-bulk", options),
    ]);
    dynamo.destroy();
    options.onProgress?.(`table ${LOCAL_TABLE_NAME}, queues urgent and bulk (each with a DLQ) created`);
    return {
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqsServer.endpoint,
      tableName: LOCAL_TABLE_NAME,
      queues: { urgent, bulk },
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

async function createQueueWithDeadLetters(
  sqs: SQSClient,
  name: string,
  options: LocalAwsOptions,
): Promise<LocalQueue> {
  const deadLetters = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterArn = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: deadLetters.QueueUrl, AttributeNames: ["QueueArn"] }),
    )
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterArn,
          maxReceiveCount: options.maxReceives,
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !deadLetters.QueueUrl || !deadLetterArn) {
    throw new Error(`the SQS server did not create queue ${name} and its DLQ`);
  }
  return { url: queue.QueueUrl, deadLetterUrl: deadLetters.QueueUrl };
}

/**
 * JVM options that cut DynamoDB Local's start-up two- to three-fold on a busy machine (measured
 * 13-26 s → 6-9 s at load 10 on 2 cores): only the quick JIT tier and the serial collector, which
 * is all a local, lightly used engine needs. Passed through JAVA_TOOL_OPTIONS (the engine module
 * inherits our environment) only while the engines start, and only when the user has not set it.
 */
const FAST_START_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

async function withFastJvmStart<T>(start: () => Promise<T>): Promise<T> {
  if (process.env.JAVA_TOOL_OPTIONS !== undefined) return start();
  process.env.JAVA_TOOL_OPTIONS = FAST_START_JVM_OPTIONS;
  try {
    return await start();
  } finally {
    delete process.env.JAVA_TOOL_OPTIONS;
  }
}

/**
 * fauxqs as ../engines/sqs-server.ts starts it, except for the queue URLs' host. That module sets
 * FAUXQS_HOST=127.0.0.1, which makes fauxqs answer `http://sqs.us-east-1.127.0.0.1:<port>/...`: a
 * URL the WHATWG parser (and so the handlers' `z.url()` check of URGENT_QUEUE_URL) rejects, since a
 * host ending in a number must be an IPv4 address. `localhost` gives `sqs.us-east-1.localhost`,
 * which parses; the SDK never connects to that host because the client has an explicit endpoint.
 */
async function startSqsServerWithParseableUrls(): Promise<RunningEngine> {
  const port = await freePort();
  const cli = join(resolve(import.meta.dirname, "../.."), "node_modules", "fauxqs", "dist", "cli.js");
  return spawnEngine({
    name: "SQS server (fauxqs)",
    command: process.execPath,
    args: [cli],
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: "localhost", FAUXQS_LOGGER: "false" },
    port,
    isReady: async (endpoint) => (await fetch(`${endpoint}/health`)).ok,
  });
}
