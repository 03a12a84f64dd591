/**
 * Drives a Lambda SQS handler from a real SQS API server the way Lambda's event source mapping does:
 * long-poll batches (gathering up to the batching window, as `MaximumBatchingWindowInSeconds` does),
 * invoke the handler with an `SQSEvent`, delete the records it did not report as
 * failed (`reportBatchItemFailures`), leave the failed ones to reappear after their visibility
 * timeout (so the queue's redrive policy moves poison messages to the DLQ), and never run more than
 * `maxConcurrency` invocations at once.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize?: number;
  maxConcurrency?: number;
  /**
   * Like the mapping's `MaximumBatchingWindowInSeconds`: after the first message of a batch, keep
   * gathering until the batch is full or this long has passed (default 0: invoke with what came).
   */
  batchingWindowSeconds?: number;
  /** Long-poll wait per receive, seconds. */
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface RunningEventSource {
  stop(): Promise<void>;
  /** Invocations running now (for tests and the benchmarks). */
  readonly inFlight: number;
}

/** Between two short polls of a batching window that found the queue empty. */
const GATHER_POLL_GAP_MS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function startSqsEventSource(options: SqsEventSourceOptions): RunningEventSource {
  const { sqs, queueUrl } = options;
  const batchSize = options.batchSize ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 2;
  const batchingWindowMs = (options.batchingWindowSeconds ?? 0) * 1000;
  let stopped = false;
  let inFlight = 0;
  const arn = sqs
    .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
    .then((result) => result.Attributes?.QueueArn ?? queueUrl);

  async function invoke(messages: Message[]): Promise<void> {
    const eventSourceARN = await arn;
    const records: SQSRecord[] = messages.map((message) => toRecord(message, eventSourceARN));
    let failedIds: Set<string>;
    try {
      const response = await options.handler({ Records: records });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      options.onError?.(error);
      failedIds = new Set(records.map((record) => record.messageId)); // a thrown error fails the whole batch
    }
    const done = messages.filter((message) => message.MessageId && !failedIds.has(message.MessageId));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }

  const receive = async (maxMessages: number, waitTimeSeconds: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: maxMessages,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ["All"],
        }),
      )
    ).Messages ?? [];

  /**
   * The rest of a batch, until it is full or the window has passed. Without this, the first records
   * of a burst each start an invocation of their own, and with `maxConcurrency` invocations
   * holding one record each the budget goes unused until they finish.
   */
  async function gather(messages: Message[]): Promise<Message[]> {
    const windowEndsAt = Date.now() + batchingWindowMs;
    while (!stopped && messages.length < batchSize && Date.now() < windowEndsAt) {
      // SQS long polls wait whole seconds: short polls, a gap apart, end on time.
      const more = await receive(batchSize - messages.length, 0);
      messages.push(...more);
      if (more.length === 0) await sleep(Math.min(GATHER_POLL_GAP_MS, windowEndsAt - Date.now()));
    }
    return messages;
  }

  async function pollLoop(): Promise<void> {
    while (!stopped) {
      try {
        const first = await receive(batchSize, options.waitTimeSeconds ?? 1);
        if (first.length === 0) continue;
        const messages = await gather(first);
        inFlight += 1;
        try {
          await invoke(messages);
        } finally {
          inFlight -= 1;
        }
      } catch (error) {
        if (stopped) return;
        options.onError?.(error);
        await sleep(500);
      }
    }
  }

  // One poll loop per allowed concurrent invocation, as Lambda scales pollers up to maxConcurrency.
  const loops = Array.from({ length: maxConcurrency }, () => pollLoop());
  return {
    get inFlight() {
      return inFlight;
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}

function toRecord(message: Message, eventSourceARN: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN,
    awsRegion: "us-east-1",
  };
}
