import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestQueue, createTestTable, localDocumentClient, localSqs } from "../support/aws";

describe("local engines", () => {
  const doc = localDocumentClient();
  let table: Awaited<ReturnType<typeof createTestTable>>;
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(() => table.drop());

  it("DynamoDB Local stores an item, enforces conditions and runs transactions", async () => {
    await doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: "A", sk: "A", n: 1 } }));
    await expect(
      doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { pk: "A", sk: "A", n: 2 },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table.tableName, Item: { pk: "B", sk: "B" } } },
          {
            Update: {
              TableName: table.tableName,
              Key: { pk: "A", sk: "A" },
              UpdateExpression: "SET n = :n",
              ExpressionAttributeValues: { ":n": 3 },
            },
          },
        ],
      }),
    );
    const read = await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: "A", sk: "A" } }));
    expect(read.Item?.n).toBe(3);
  });

  it("the SQS server round-trips a message and redrives it to the DLQ after maxReceiveCount", async () => {
    const sqs = localSqs();
    const { queueUrl, dlqUrl } = await createTestQueue(sqs, {
      visibilityTimeoutSeconds: 0,
      maxReceiveCount: 1,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"job_id":"j1"}' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(first.Messages?.[0]?.Body).toBe('{"job_id":"j1"}');
    // Not deleted: the second receive exceeds maxReceiveCount and the message moves to the DLQ.
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.[0]?.Body).toBe('{"job_id":"j1"}');
  });
});
