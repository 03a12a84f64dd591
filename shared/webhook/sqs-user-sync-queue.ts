/** SQS adapter of UserSyncQueue: user sync messages go on the urgent queue. */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { UserSyncMessage, UserSyncQueue } from "./user-sync-message";

export class SqsUserSyncQueue implements UserSyncQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urgentQueueUrl: string,
  ) {}

  async enqueue(message: UserSyncMessage, delaySeconds = 0): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urgentQueueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds,
      }),
    );
  }
}
