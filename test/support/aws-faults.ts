/**
 * A fault layer for the AWS SDK clients of tests: SDK middleware, a seeded draw per request, so a
 * failing run replays draw for draw.
 * - DynamoDB faults are drawn per HTTP attempt, inside the SDK's own retries (`finalizeRequest`, after
 *   the retry middleware), as AWS throws them: most are absorbed by the SDK, the rest reach the service.
 *   Half of the timeouts and dropped connections follow a request the engine applied: the write
 *   happened, the caller never heard.
 * - SQS faults are drawn per command, outside the SDK's retries (`initialize`): each is a send or
 *   delete that failed for good, what the service must survive.
 */
import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { type SQSClient, SQSServiceException } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { seededRandom } from "../../local/sandbox/seeded-random";

export type DynamoFault = "throughputExceeded" | "throttling" | "serverError" | "hung" | "dropped";
export type SqsFault = "sendFailed" | "deleteFailed";

export interface AwsFaultRates {
  /** Share of DynamoDB attempts that fail, split evenly among the two throttlings, 500s and dropped connections. */
  dynamoErrors: number;
  /** Share of DynamoDB attempts that hang, then time out as the SDK's request timeout would. */
  dynamoHung: number;
  /** Share of SendMessage commands that fail with a 500. */
  sqsSendFailures: number;
  /** Share of DeleteMessage(Batch) commands that fail with a 500 (the message comes back). */
  sqsDeleteFailures: number;
  /** How long a hung command hangs before its timeout. */
  hungMs: number;
}

const metadata = { httpStatusCode: 500, attempts: 3, totalRetryDelay: 0 };

export class AwsFaults {
  readonly counts: Record<DynamoFault | SqsFault | "dynamoAttempts" | "sqsCommands", number> = {
    dynamoAttempts: 0,
    sqsCommands: 0,
    throughputExceeded: 0,
    throttling: 0,
    serverError: 0,
    hung: 0,
    dropped: 0,
    sendFailed: 0,
    deleteFailed: 0,
  };
  private readonly random: () => number;
  private enabled = true;

  constructor(
    seed: number,
    private readonly rates: AwsFaultRates,
  ) {
    this.random = seededRandom(seed);
  }

  /** Stops injecting (e.g. while a test reads its results back). */
  disable(): void {
    this.enabled = false;
  }

  /** Faults every DynamoDB attempt of the client (a DynamoDBDocumentClient shares its client's stack). */
  onDynamoDb(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        if (!this.enabled) return next(args);
        this.counts.dynamoAttempts += 1;
        const fault = this.drawDynamo();
        if (!fault) return next(args);
        this.counts[fault] += 1;
        if (fault === "hung") {
          await new Promise((resolve) => setTimeout(resolve, this.rates.hungMs));
          if (this.random() < 0.5) await next(args);
          throw Object.assign(new Error("Request timed out"), { name: "TimeoutError" });
        }
        if (fault === "dropped") {
          if (this.random() < 0.5) await next(args);
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        }
        throw dynamoError(fault);
      },
      { step: "finalizeRequest", name: "awsFaults", priority: "low" },
    );
  }

  /** Faults SendMessage and DeleteMessage(Batch) of the client, before the request reaches the server. */
  onSqs(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? "";
        const fault: SqsFault | undefined = command.startsWith("SendMessage")
          ? "sendFailed"
          : command.startsWith("DeleteMessage")
            ? "deleteFailed"
            : undefined;
        if (!this.enabled || !fault) return next(args);
        this.counts.sqsCommands += 1;
        const rate = fault === "sendFailed" ? this.rates.sqsSendFailures : this.rates.sqsDeleteFailures;
        if (this.random() >= rate) return next(args);
        this.counts[fault] += 1;
        throw new SQSServiceException({
          name: "InternalFailure",
          $fault: "server",
          $metadata: metadata,
          message: "We encountered an internal error. Please try again.",
        });
      },
      { step: "initialize", name: "awsFaults", priority: "high" },
    );
  }

  private drawDynamo(): DynamoFault | undefined {
    const roll = this.random();
    const { dynamoErrors, dynamoHung } = this.rates;
    if (roll < dynamoHung) return "hung";
    if (roll >= dynamoHung + dynamoErrors) return undefined;
    const kinds: DynamoFault[] = ["throughputExceeded", "throttling", "serverError", "dropped"];
    return kinds[Math.floor(((roll - dynamoHung) / dynamoErrors) * kinds.length)];
  }
}

function dynamoError(fault: "throughputExceeded" | "throttling" | "serverError"): Error {
  const message = "injected fault";
  if (fault === "throughputExceeded")
    return new ProvisionedThroughputExceededException({
      message,
      $metadata: { ...metadata, httpStatusCode: 400 },
    });
  if (fault === "serverError") return new InternalServerError({ message, $metadata: metadata });
  return new DynamoDBServiceException({
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { ...metadata, httpStatusCode: 400 },
    message,
  });
}
