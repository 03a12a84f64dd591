/**
 * Starts the real local engines once per test group: DynamoDB Local (Java) and the SQS server.
 * Test files read their endpoints with `inject("dynamodbEndpoint")` / `inject("sqsEndpoint")`.
 * DYNAMODB_LOCAL_LOG_DIR=<dir> keeps each group's engine log there (docs/testing.md).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import type { RunningEngine } from "../../local/engines/child-process";
import { startDynamoDbLocal } from "../../local/engines/dynamodb-local";
import { startSqsServer } from "../../local/engines/sqs-server";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const logDir = process.env.DYNAMODB_LOCAL_LOG_DIR;
  if (logDir) mkdirSync(resolve(logDir), { recursive: true });
  const logFile = logDir ? join(resolve(logDir), `dynamodb-local-${project.name}.log`) : undefined;
  // Settled, not all: when one engine fails to start, the other must still be stopped.
  const results = await Promise.allSettled([startDynamoDbLocal({ logFile }), startSqsServer()]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(
      results.map((result) => (result.status === "fulfilled" ? result.value.stop() : undefined)),
    );
    throw failed.reason;
  }
  const [dynamodb, sqs] = results.map(
    (result) => (result as PromiseFulfilledResult<RunningEngine>).value,
  ) as [RunningEngine, RunningEngine];
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  project.provide("sqsEndpoint", sqs.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
