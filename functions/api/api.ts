/**
 * The API function's dispatcher: find the route of the request in ROUTES → check the scope it
 * needs → parse path, query and body with the route's schemas → call its handler → JSON answer.
 * Errors are thrown (domain errors, or the edge's ApiErrors) and mapped to the error shape by the
 * one mapping in the caller's error handler (middy middleware in Lambda).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { principalFromAuthorizerContext } from "../../shared/auth/authorizer-context";
import { requireScope } from "../../shared/auth/require-scope";
import type { Principal } from "../../shared/auth/scopes";
import { NotFound } from "../../shared/errors/domain-errors";
import { BadRequestError } from "../../shared/http/api-error";
import { headerValue } from "../../shared/http/header-value";
import { json } from "../../shared/http/json-response";
import { parseJsonBody } from "../../shared/http/parse-json-body";
import { validate } from "../../shared/http/validation-details";
import { isScimRequestType } from "../../shared/scim/media-type";
import type { ApiDeps } from "./deps";
import type { Route, RouteInput } from "./route";
import { ROUTES, routeKey } from "./routes";

export type { ApiDeps } from "./deps";
export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const ANONYMOUS: Principal = { client: "anonymous", scopes: [] };

export function createApi(deps: ApiDeps, routes: readonly Route[] = ROUTES): ApiHandler {
  const served = new Map(routes.filter((route) => route.handle).map((route) => [routeKey(route), route]));

  return async (event) => {
    const route = served.get(`${event.httpMethod} ${event.resource}`);
    if (!route?.handle) throw new NotFound("route_not_found", "No such route.");
    const principal = route.scope ? authorize(event, route) : ANONYMOUS;
    const input: RouteInput<Route["request"]> = {
      params: route.request.params ? validate(route.request.params, decodedPathParameters(event)) : undefined,
      query: route.request.query
        ? validate(route.request.query, event.queryStringParameters ?? {})
        : undefined,
      body: route.request.body ? parseBody(event, route) : undefined,
      principal,
      headers: event.headers,
      base: requestBase(event),
    };
    const result = await route.handle(input, deps);
    if (result.status === 204) return { statusCode: 204, headers: result.headers ?? {}, body: "" };
    return json(result.status, result.body, result.headers);
  };
}

function authorize(event: APIGatewayProxyEvent, route: Route & { scope: string }): Principal {
  // A SCIM route's authorizer lets a refused token through with no client (authorizer handler):
  // the refusal is answered here, as a 401 in SCIM's shape.
  const principal = principalFromAuthorizerContext(event.requestContext?.authorizer);
  requireScope(principal, route.scope);
  return principal;
}

function parseBody(event: APIGatewayProxyEvent, route: Route) {
  const schema = route.request.body;
  if (!schema) return undefined;
  if (route.request.bodyOptional && !event.body?.trim()) return validate(schema, {});
  return parseJsonBody(event, schema, route.wire === "scim" ? { accepts: isScimRequestType } : {});
}

/**
 * `https://host[/stage]` as the client called us: the stage is in the path on API Gateway's own
 * domain (a custom domain maps it away); local mode serves at the root over http.
 */
function requestBase(event: APIGatewayProxyEvent): string {
  const host = headerValue(event.headers, "host");
  if (!host) return "";
  const loopback = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
  const proto = headerValue(event.headers, "x-forwarded-proto") ?? (loopback ? "http" : "https");
  const stage =
    host.includes(".execute-api.") && event.requestContext?.stage ? `/${event.requestContext.stage}` : "";
  return `${proto}://${host}${stage}`;
}

/**
 * API Gateway passes path parameters still URL-encoded; a malformed encoding (`%E0%A4%A`) is the
 * client's mistake, not ours: 400 `invalid_path`.
 */
function decodedPathParameters(event: APIGatewayProxyEvent): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(event.pathParameters ?? {})) {
    try {
      decoded[name] = decodeURIComponent(raw ?? "");
    } catch {
      throw new BadRequestError("invalid_path", `The path parameter ${name} is not valid URL encoding.`);
    }
  }
  return decoded;
}
