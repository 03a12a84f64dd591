/**
 * The real local engines the benchmarks run on (DynamoDB Local and the SQS server, as child
 * processes), fresh tables and queues per run (so runs never see each other's items or messages),
 * and a count of the DynamoDB calls the pipeline makes (limiter writes apart from the rest).
 */
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type RunningEngine, startAllOrNone } from "../../local/engines/child-process";
import { startDynamoDbLocal } from "../../local/engines/dynamodb-local";
import { createQueueWithDeadLetters } from "../../local/engines/job-queues";
import { startSqsServer } from "../../local/engines/sqs-server";
import { createTableInput, TABLE_KEYS } from "../../shared/store/table-definition";

const localAws = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

export interface LocalEngines {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export async function startLocalEngines(): Promise<LocalEngines> {
  const [dynamodb, sqs] = await startAllOrNone<[RunningEngine, RunningEngine]>([
    startDynamoDbLocal(),
    startSqsServer(),
  ]);
  return {
    dynamodbEndpoint: dynamodb.endpoint,
    sqsEndpoint: sqs.endpoint,
    stop: async () => {
      await Promise.all([dynamodb.stop(), sqs.stop()]);
    },
  };
}

/** DynamoDB calls seen by one client: the shared rate budget's (`RATE#` items) and everything else. */
export interface DynamoCallCount {
  /** Calls on the rate budget's item: all of them, and the reads among them. */
  limiter: number;
  limiterReads: number;
  other: number;
}

type Keyed = Record<string, string | { S?: string } | undefined>;

/** A document client whose every call is counted into the answered `calls`. */
export function countedDocumentClient(endpoint: string) {
  const client = new DynamoDBClient({ ...localAws, endpoint });
  const calls: DynamoCallCount = { limiter: 0, limiterReads: 0, other: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      // The budget reads by key and writes whole items (PutItem); the key may come marshalled or not.
      const input = args.input as { Key?: Keyed; Item?: Keyed };
      const pk = (input.Key ?? input.Item)?.[TABLE_KEYS.partitionKey];
      if ((typeof pk === "string" ? pk : pk?.S)?.startsWith("RATE#")) {
        calls.limiter += 1;
        if (input.Key) calls.limiterReads += 1;
      } else calls.other += 1;
      return next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc, calls };
}

export function localSqs(endpoint: string): SQSClient {
  return new SQSClient({ ...localAws, endpoint });
}

const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function createTable(client: DynamoDBClient) {
  const tableName = uniqueName("lifecycle-bench");
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    tableName,
    drop: () => client.send(new DeleteTableCommand({ TableName: tableName })).then(() => undefined),
  };
}

/** A queue with its DLQ, redriven after `maxReceiveCount` receives, as the stack creates them. */
export function createQueue(
  sqs: SQSClient,
  options: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
) {
  return createQueueWithDeadLetters(sqs, { name: uniqueName("bench"), ...options });
}
