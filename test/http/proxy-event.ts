/**
 * Builds API Gateway REST proxy events for tests of the HTTP edge: only the fields the edge reads
 * are meaningful, the rest are plausible fillers.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";

export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: { "Content-Type": "application/json" },
    multiValueHeaders: {},
    httpMethod: "POST",
    isBase64Encoded: false,
    path: "/v1/onboard",
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: "req-1" } as APIGatewayProxyEvent["requestContext"],
    resource: "/v1/onboard",
    ...overrides,
  };
}

/** A JSON POST event with `body` serialised (or sent as-is when it is already a string). */
export function jsonEvent(
  body: unknown,
  headers: Record<string, string> = { "Content-Type": "application/json" },
) {
  return proxyEvent({ body: typeof body === "string" ? body : JSON.stringify(body), headers });
}
