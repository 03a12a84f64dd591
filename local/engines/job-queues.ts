/**
 * Creates a queue with its dead-letter queue on the SQS server, redriven after `maxReceiveCount`
 * receives, the way the stack creates the urgent and bulk queues. Local mode, the tests and the
 * benchmarks all make their queues here.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface QueueWithDeadLetters {
  queueUrl: string;
  dlqUrl: string;
  /** Deletes both queues. */
  drop(): Promise<void>;
}

export async function createQueueWithDeadLetters(
  sqs: SQSClient,
  options: { name: string; visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<QueueWithDeadLetters> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${options.name}-dlq` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl;
  const dlqUrl = dlq.QueueUrl;
  if (!queueUrl || !dlqUrl || !dlqArn)
    throw new Error(`the SQS server did not create queue ${options.name} and its DLQ`);
  return {
    queueUrl,
    dlqUrl,
    drop: async () => {
      await Promise.all([queueUrl, dlqUrl].map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
    },
  };
}
