/**
 * Drives a Lambda SQS handler from a real SQS API server the way Lambda's event source mapping does:
 * long-poll batches, invoke the handler with an `SQSEvent`, delete the records it did not report as
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
  /** Long-poll wait per receive, seconds. */
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface RunningEventSource {
  stop(): Promise<void>;
  /** Invocations running now (for tests and the benchmarks). */
  readonly inFlight: number;
}

export function startSqsEventSource(options: SqsEventSourceOptions): RunningEventSource {
  const { sqs, queueUrl } = options;
  const batchSize = options.batchSize ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 2;
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

  async function pollLoop(): Promise<void> {
    while (!stopped) {
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ["All"],
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) continue;
        inFlight += 1;
        try {
          await invoke(messages);
        } finally {
          inFlight -= 1;
        }
      } catch (error) {
        if (stopped) return;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
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
