/** The callback queue on SQS: one message per delivery attempt, delayed up to SQS's 15 minutes. */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import * as z from "zod";
import { MAX_QUEUE_DELAY_SECONDS } from "./deliver-callback";
import type { CallbackMessage, CallbackQueue } from "./ports";

export const callbackMessage = z.object({
  type: z.literal("callback"),
  job_id: z.string().min(1).max(100),
  attempt: z.int().positive(),
  first_attempt_at: z.iso.datetime(),
  due_at: z.iso.datetime(),
});

export class SqsCallbackQueue implements CallbackQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: CallbackMessage, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message satisfies z.input<typeof callbackMessage>),
        DelaySeconds: Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.round(delaySeconds))),
      }),
    );
  }
}
