/**
 * What a bench run asks of AWS, counted as AWS bills it: DynamoDB calls and the request units
 * DynamoDB reports for them (every call asks for `ReturnConsumedCapacity: TOTAL`), SQS requests by
 * action, Lambda invocations with their durations, `Job Finished` events and Secrets Manager calls.
 * `snapshot()` and `since()` split a run into phases (one per job kind).
 */

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { JobFinishedEvents } from "../../shared/notify/ports";

/** The functions the bench runs (as deployed: infra/function-entries.ts FUNCTION_MEMORY_MB). */
export type MeteredFunction = "api" | "worker";

export interface AwsUsage {
  dynamo: Record<MeteredFunction, { calls: number; readUnits: number; writeUnits: number; refused: number }>;
  /** Refused conditional writes by command and item kind (`UpdateItem PERSON`): where the contention is. */
  refused: Record<string, number>;
  /** SQS requests by action (SendMessage, ReceiveMessage, DeleteMessage ...), all clients. */
  sqs: Record<string, number>;
  /** Invocations and their durations, each rounded up to the millisecond as Lambda bills them. */
  lambda: Record<MeteredFunction, { invocations: number; billedMs: number }>;
  /** PutEvents calls (one `Job Finished` event each). */
  events: number;
  /** GetSecretValue calls. */
  secrets: number;
}

const READS = new Set([
  "GetItemCommand",
  "QueryCommand",
  "ScanCommand",
  "BatchGetItemCommand",
  "TransactGetItemsCommand",
]);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

type Keyed = Record<string, string | { S?: string } | undefined>;

/** The kind of item a call names: its partition key up to the first `#` (`JOB`, `PERSON`, `RATE` ...). */
function itemKind(input: unknown): string {
  const { Key, Item, TransactItems } = input as { Key?: Keyed; Item?: Keyed; TransactItems?: unknown[] };
  if (TransactItems) return `transaction of ${TransactItems.length}`;
  const pk = (Key ?? Item)?.pk;
  return ((typeof pk === "string" ? pk : pk?.S) ?? "?").split("#")[0] ?? "?";
}

export class AwsMeter {
  readonly usage: AwsUsage = {
    dynamo: {
      api: { calls: 0, readUnits: 0, writeUnits: 0, refused: 0 },
      worker: { calls: 0, readUnits: 0, writeUnits: 0, refused: 0 },
    },
    refused: {},
    sqs: {},
    lambda: { api: { invocations: 0, billedMs: 0 }, worker: { invocations: 0, billedMs: 0 } },
    events: 0,
    secrets: 0,
  };

  /** Counts the client's calls and sums the request units DynamoDB reports for them. */
  dynamo(client: DynamoDBClient, of: MeteredFunction): void {
    const usage = this.usage.dynamo[of];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ReturnConsumedCapacity?: string };
        input.ReturnConsumedCapacity ??= "TOTAL";
        usage.calls += 1;
        const read = READS.has(context.commandName ?? "");
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
          for (const capacity of [consumed ?? []].flat()) {
            const units = capacity.CapacityUnits ?? 0;
            usage.readUnits += capacity.ReadCapacityUnits ?? (read ? units : 0);
            usage.writeUnits += capacity.WriteCapacityUnits ?? (read ? 0 : units);
          }
          return result;
        } catch (error) {
          // A refused conditional write reports no capacity but is billed as a write (1 unit per
          // item up to 1 KB; a transaction's refusal 2 per item): counted at that minimum.
          if (!read) {
            usage.refused += 1;
            const where = `${(context.commandName ?? "").replace(/Command$/, "")} ${itemKind(args.input)}`;
            this.usage.refused[where] = (this.usage.refused[where] ?? 0) + 1;
            usage.writeUnits += context.commandName === "TransactWriteItemsCommand" ? 4 : 1;
          }
          throw error;
        }
      },
      { step: "initialize", name: "benchCapacityMeter" },
    );
  }

  /** Counts the client's requests by action. */
  sqs(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const action = (context.commandName ?? "unknown").replace(/Command$/, "");
        this.usage.sqs[action] = (this.usage.sqs[action] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "benchSqsMeter" },
    );
  }

  /** The invocation of `of`, timed: its duration counts as Lambda bills it. */
  async invoke<T>(of: MeteredFunction, handler: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await handler();
    } finally {
      const lambda = this.usage.lambda[of];
      lambda.invocations += 1;
      lambda.billedMs += Math.ceil(performance.now() - started);
    }
  }

  /** The `Job Finished` events port, counting what it would publish. */
  readonly jobFinishedEvents: JobFinishedEvents = {
    publish: async () => {
      this.usage.events += 1;
    },
  };

  /** A Secrets Manager client that answers `value` for every secret without leaving the process, counting calls. */
  secretsManager(value: string): SecretsManagerClient {
    const client = new SecretsManagerClient({
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    client.middlewareStack.add(
      () => async () => {
        this.usage.secrets += 1;
        return { output: { SecretString: value, $metadata: {} } } as never;
      },
      { step: "initialize", name: "benchSecretsAnswer" },
    );
    return client;
  }

  snapshot(): AwsUsage {
    return structuredClone(this.usage);
  }

  /** What was used since `before`. */
  since(before: AwsUsage): AwsUsage {
    const now = this.usage;
    const minus = <T extends Record<string, number>>(a: T, b: T): T =>
      Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)])) as T;
    return {
      dynamo: {
        api: minus(now.dynamo.api, before.dynamo.api),
        worker: minus(now.dynamo.worker, before.dynamo.worker),
      },
      refused: minus(now.refused, before.refused),
      sqs: minus(now.sqs, before.sqs),
      lambda: {
        api: minus(now.lambda.api, before.lambda.api),
        worker: minus(now.lambda.worker, before.lambda.worker),
      },
      events: now.events - before.events,
      secrets: now.secrets - before.secrets,
    };
  }
}
