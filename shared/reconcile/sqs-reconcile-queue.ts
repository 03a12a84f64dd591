/** SQS adapter of ReconcileQueue: reconciliation messages go on the bulk queue. */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ReconcileMessage, ReconcileQueue } from "./reconcile-message";

export class SqsReconcileQueue implements ReconcileQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly bulkQueueUrl: string,
  ) {}

  async enqueue(message: ReconcileMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.bulkQueueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}
