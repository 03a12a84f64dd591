/**
 * SQS adapter of the worker's task messages that travel on the bulk queue (an on-demand
 * reconciliation, an office refresh): never urgent, told apart from job messages by their `type`.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export class SqsBulkTaskQueue<Message extends { type: string }> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly bulkQueueUrl: string,
  ) {}

  async enqueue(message: Message): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.bulkQueueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}
