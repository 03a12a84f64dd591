/**
 * Builds the API Gateway REST (proxy integration) event that API Gateway would hand the function for
 * a request, so local mode and the tests call the very same handlers Lambda runs.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { Route } from "../../functions/api/route";
import { matchRoute } from "../../functions/api/routes";

export interface HttpRequestFacts {
  method: string;
  /** Path without the query string, e.g. /v1/jobs/123. */
  path: string;
  query?: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string | undefined;
  /** What the authorizer put in the context (client, scopes), for authorized routes. */
  authorizer?: Record<string, unknown>;
}

export function toProxyEvent(
  request: HttpRequestFacts,
): { event: APIGatewayProxyEvent; route: Route } | undefined {
  const matched = matchRoute(request.method, request.path);
  if (!matched) return undefined;
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const query =
    request.query && [...request.query.keys()].length > 0 ? Object.fromEntries(request.query) : null;
  const event: APIGatewayProxyEvent = {
    resource: matched.route.path,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      stage: "local",
      requestId: randomUUID(),
      httpMethod: request.method.toUpperCase(),
      path: `/local${request.path}`,
      resourcePath: matched.route.path,
      resourceId: "local",
      protocol: "HTTP/1.1",
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: "127.0.0.1" } as APIGatewayProxyEvent["requestContext"]["identity"],
      authorizer: request.authorizer ?? null,
    },
  };
  return { event, route: matched.route };
}
