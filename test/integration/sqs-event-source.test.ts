/**
 * The local event source on the real SQS server: batches gathered over the batching window as
 * Lambda's mapping does, so a burst's first records do not each start a one-record invocation.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningEventSource, startSqsEventSource } from "../../local/runtime/sqs-event-source";
import { createTestQueue, localSqs } from "../support/aws";

const sqs = localSqs();
let running: RunningEventSource | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Starts a source whose handler records each invocation's size and when it began. */
function recordInvocations(
  queueUrl: string,
  options: { batchingWindowSeconds?: number; maxConcurrency?: number },
) {
  const invocations: { records: number; at: number }[] = [];
  running = startSqsEventSource({
    sqs,
    queueUrl,
    batchSize: 10,
    maxConcurrency: options.maxConcurrency ?? 1,
    batchingWindowSeconds: options.batchingWindowSeconds,
    waitTimeSeconds: 1,
    handler: async (event: SQSEvent) => {
      invocations.push({ records: event.Records.length, at: Date.now() });
      return { batchItemFailures: [] };
    },
  });
  return invocations;
}

const send = (client: SQSClient, queueUrl: string, ids: number[]) =>
  client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: ids.map((id) => ({ Id: `m${id}`, MessageBody: JSON.stringify({ id }) })),
    }),
  );

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const total = (invocations: { records: number }[]) => invocations.reduce((sum, i) => sum + i.records, 0);

describe("local SQS event source", () => {
  it("without a window, invokes at once with what one receive returned", async () => {
    const { queueUrl } = await createTestQueue(sqs);
    const invocations = recordInvocations(queueUrl, {});
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{}" }));
    await until(() => invocations.length > 0, "the first invocation");
    await send(sqs, queueUrl, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await until(() => total(invocations) === 10, "all ten records");
    // The burst's first record ran alone: the problem the window solves.
    expect(invocations[0]?.records).toBe(1);
    expect(invocations.length).toBeGreaterThan(1);
  });

  it("with a window, gathers a burst arriving over it into one full batch", async () => {
    const { queueUrl } = await createTestQueue(sqs);
    const invocations = recordInvocations(queueUrl, { batchingWindowSeconds: 2 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{}" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(sqs, queueUrl, [1, 2, 3, 4, 5]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(sqs, queueUrl, [6, 7, 8, 9, 10, 11, 12]);
    await until(() => total(invocations) === 13, "all thirteen records");
    expect(invocations.map((i) => i.records)).toEqual([10, 3]);
  });

  it("invokes with a partial batch once the window has passed", async () => {
    const { queueUrl } = await createTestQueue(sqs);
    const invocations = recordInvocations(queueUrl, { batchingWindowSeconds: 1 });
    const sentAt = Date.now();
    await send(sqs, queueUrl, [1, 2, 3]);
    await until(() => invocations.length > 0, "the invocation");
    expect(invocations).toHaveLength(1);
    expect(invocations[0]?.records).toBe(3);
    // A floor, not a ceiling: the window held the batch open for its whole second.
    expect((invocations[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(1000);
  });
});
