/**
 * Starts the real local engines once per test group: DynamoDB Local (Java) and the SQS server.
 * Test files read their endpoints with `inject("dynamodbEndpoint")` / `inject("sqsEndpoint")`.
 * DYNAMODB_LOCAL_LOG_DIR=<dir> keeps each group's engine log there (docs/testing.md).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { type RunningEngine, startAllOrNone } from "../../local/engines/child-process";
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
  const [dynamodb, sqs] = await startAllOrNone<[RunningEngine, RunningEngine]>([
    startDynamoDbLocal({ logFile }),
    startSqsServer(),
  ]);
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  project.provide("sqsEndpoint", sqs.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
