/**
 * A sweep over 1,000 due records (seeded straight into the table) creates exactly 1,000 delete jobs
 * and queues each once; a second sweep creates none; records not yet due, or not suspended, are
 * never touched (the due list is an index query, not a scan).
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { runSweep } from "../../shared/retention/run-sweep";
import { TABLE_KEYS } from "../../shared/store/table-definition";
import { createStateDeps } from "../../shared/wiring/service-deps";
import { createTestQueue, createTestTable, localDocumentClient, localSqs } from "../support/aws";

const DUE = 1000;
const NOT_YET_DUE = 40;
const doc = localDocumentClient();
const sqs = localSqs();
let table: Awaited<ReturnType<typeof createTestTable>>;
let state: ReturnType<typeof createStateDeps>;
let urgentQueueUrl: string;

/** A person record as DynamoPersonStore writes it, with its retention and user-id index keys. */
function personItem(email: string, userId: string, deleteAfter: string | undefined) {
  const { retentionIndex, userIdIndex } = TABLE_KEYS;
  return {
    pk: `PERSON#${email}`,
    sk: "PERSON",
    email,
    user_id: userId,
    state: deleteAfter ? "suspended" : "active",
    updated_at: "2024-01-01T00:00:00.000Z",
    [userIdIndex.partitionKey]: `USER#${userId}`,
    [userIdIndex.sortKey]: "PERSON",
    ...(deleteAfter
      ? {
          suspended_at: "2024-01-01T00:00:00.000Z",
          delete_after: deleteAfter,
          [retentionIndex.partitionKey]: "RETENTION",
          [retentionIndex.sortKey]: `${deleteAfter}#${email}`,
        }
      : {}),
  };
}

async function batchWrite(items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = items
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (requests && requests.length > 0) {
      const result = await doc.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: requests as never } }),
      );
      requests = result.UnprocessedItems?.[table.tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

async function countJobs(): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: "begins_with(pk, :job) AND kind = :delete",
        ExpressionAttributeValues: { ":job": "JOB#", ":delete": "delete" },
        Select: "COUNT",
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

beforeAll(async () => {
  table = await createTestTable();
  const [urgent, bulk] = await Promise.all([createTestQueue(sqs), createTestQueue(sqs)]);
  urgentQueueUrl = urgent.queueUrl;
  state = createStateDeps({
    kinds: JOB_KINDS,
    doc,
    sqs,
    tableName: table.tableName,
    queueUrls: { urgent: urgent.queueUrl, bulk: bulk.queueUrl },
  });
  const past = Date.now() - 3600_000;
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const items = [
    ...Array.from({ length: DUE }, (_, i) =>
      personItem(
        `due-${String(i).padStart(4, "0")}@example.com`,
        String(6_000_000_000_000_000_000n + BigInt(i)),
        new Date(past + i).toISOString(),
      ),
    ),
    ...Array.from({ length: NOT_YET_DUE }, (_, i) =>
      personItem(`later-${i}@example.com`, String(7_000_000 + i), future),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      personItem(`active-${i}@example.com`, String(8_000_000 + i), undefined),
    ),
  ];
  await batchWrite(items);
});
afterAll(() => table.drop());

it(`a sweep over ${DUE} due records creates exactly ${DUE} delete jobs, and a second sweep none`, async () => {
  const deps = {
    people: state.people,
    kinds: state.kinds,
    jobs: state.jobs,
    queue: state.queue,
    clock: state.clock,
    requireApproval: false,
  };
  const started = performance.now();
  const first = await runSweep(deps);
  const firstMs = performance.now() - started;
  expect(first).toMatchObject({ due: DUE, created: DUE, existing: 0, failed: 0, complete: true });
  expect(await countJobs()).toBe(DUE);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: urgentQueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  expect(Number(attributes.Attributes?.ApproximateNumberOfMessages)).toBe(DUE);

  const again = performance.now();
  const second = await runSweep(deps);
  const secondMs = performance.now() - again;
  expect(second).toMatchObject({ due: DUE, created: 0, existing: DUE, requeued: 0, failed: 0 });
  expect(await countJobs()).toBe(DUE);
  console.info(
    `sweep of ${DUE} due records: first ${Math.round(firstMs)} ms, second ${Math.round(secondMs)} ms`,
  );
  // Some 3,000 engine requests: over 30 s when the 2-core machine is shared; a hang guard, not a speed check.
}, 180_000);
