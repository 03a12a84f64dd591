/**
 * SQS adapter of the JobQueue port: urgent (offboard, delete) and bulk (onboard) queues. It also
 * gives the worker what it needs of SQS: which lane a record came from, a delayed re-send for a
 * person busy with another job, and a shorter visibility for a failed attempt (back-off).
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobMessage } from "../lifecycle/model";
import type { JobQueue, Lane } from "../lifecycle/ports";

const queueNameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Record<Lane, string>,
  ) {}

  async enqueue(jobId: string, lane: Lane, delaySeconds = 0): Promise<void> {
    const message: JobMessage = { job_id: jobId };
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[lane],
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds,
      }),
    );
  }

  requeue(jobId: string, lane: Lane, delaySeconds: number): Promise<void> {
    return this.enqueue(jobId, lane, delaySeconds);
  }

  laneOfQueueArn(arn: string): Lane {
    return queueNameOf(arn) === queueNameOf(this.queueUrls.urgent) ? "urgent" : "bulk";
  }

  async retryAfter(lane: Lane, receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrls[lane],
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  }
}
