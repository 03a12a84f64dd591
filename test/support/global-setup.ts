/**
 * Starts the real local engines once per test run: DynamoDB Local (Java) and the SQS API server.
 * Test files read their endpoints with `inject("dynamodbEndpoint")` / `inject("sqsEndpoint")`.
 */
import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../../local/engines/dynamodb-local";
import { startSqsServer } from "../../local/engines/sqs-server";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsServer()]);
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  project.provide("sqsEndpoint", sqs.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
