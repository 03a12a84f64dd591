/**
 * Response helpers for the API Gateway REST proxy integration: every answer of the API is JSON.
 */
import type { APIGatewayProxyResult } from "aws-lambda";

export const JSON_CONTENT_TYPE = "application/json";

/** A JSON response; `headers` are added to (and may override) the content type. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { "content-type": JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}
