/**
 * Local mode on engines already running (LOCAL_DYNAMODB_ENDPOINT, LOCAL_SQS_ENDPOINT): it starts
 * none, creates its table and queues there, and a second start keeps what the first left.
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { LOCAL_TABLE_NAME, startLocalAws } from "../../local/runtime/local-aws";
import { localDocumentClient, localDynamoDb } from "../support/aws";

const running = { dynamodb: inject("dynamodbEndpoint"), sqs: inject("sqsEndpoint") };
const options = { running, maxReceives: 5, visibilityTimeoutSeconds: 30 };

afterAll(async () => {
  await localDynamoDb().send(new DeleteTableCommand({ TableName: LOCAL_TABLE_NAME }));
});

describe("local mode on engines already running", () => {
  it("uses the given endpoints and keeps the table and queues of an earlier start", async () => {
    const first = await startLocalAws(options);
    expect([first.dynamodbEndpoint, first.sqsEndpoint]).toEqual([running.dynamodb, running.sqs]);
    const doc = localDocumentClient();
    await doc.send(new PutCommand({ TableName: first.tableName, Item: { pk: "kept", sk: "kept" } }));
    await first.stop();

    const second = await startLocalAws(options);
    expect(second.queues.urgent.url).toBe(first.queues.urgent.url);
    const kept = await doc.send(
      new GetCommand({ TableName: second.tableName, Key: { pk: "kept", sk: "kept" } }),
    );
    expect(kept.Item).toBeDefined();
    await second.stop();
  });
});
