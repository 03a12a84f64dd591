/**
 * AWS SDK clients pointed at the local engines, plus helpers that give each test file its own
 * table and queues (unique names, so files can run in parallel against one engine).
 */
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { createQueueWithDeadLetters } from "../../local/engines/job-queues";
import { createTableInput } from "../../shared/store/table-definition";

const localAws = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

export function localDynamoDb(): DynamoDBClient {
  return new DynamoDBClient({ ...localAws, endpoint: inject("dynamodbEndpoint") });
}

export function localDocumentClient(client = localDynamoDb()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function localSqs(): SQSClient {
  return new SQSClient({ ...localAws, endpoint: inject("sqsEndpoint") });
}

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Creates a fresh table with the service's key schema; returns its name and a cleanup. */
export async function createTestTable(client = localDynamoDb()) {
  const tableName = uniqueName("lifecycle-test");
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    tableName,
    drop: () => client.send(new DeleteTableCommand({ TableName: tableName })).then(() => undefined),
  };
}

/** Creates a queue with a DLQ (redrive after `maxReceiveCount`), as the stack does. */
export function createTestQueue(
  sqs = localSqs(),
  options: { name?: string; visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
) {
  return createQueueWithDeadLetters(sqs, {
    name: options.name ?? uniqueName("queue"),
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    maxReceiveCount: options.maxReceiveCount ?? 5,
  });
}
