/**
 * AWS SDK clients pointed at the local engines, plus helpers that give each test file its own
 * table and queues (unique names, so files can run in parallel against one engine).
 */
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
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
export async function createTestQueue(
  sqs = localSqs(),
  options: { name?: string; visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
) {
  const name = options.name ?? uniqueName("queue");
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 5,
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error("queue creation returned no URL");
  return { queueUrl: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
}
