/**
 * What one route of the HTTP API is: method, path (API Gateway's template syntax, which is also
 * OpenAPI's), who may call it, the zod schemas of its request and of each answer, and the handler
 * that serves it. The table of these (routes.ts) is the single source the API function dispatches
 * on, the CDK stack builds API Gateway resources from, local mode matches requests with, and the
 * OpenAPI document is generated from.
 */
import type * as z from "zod";
import type { Principal, Scope } from "../../shared/auth/scopes";
import type { HeaderMap } from "../../shared/http/header-value";
import type { ApiDeps } from "./deps";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestSchemas {
  /** Path parameters, as decoded strings (`{email}` → `email`). */
  params?: z.ZodType;
  /** Query string parameters (strings: coerce numbers in the schema). */
  query?: z.ZodType;
  /** The JSON body. */
  body?: z.ZodType;
  /** True when the body may be left out entirely (it is then parsed as `{}`). */
  bodyOptional?: boolean;
  /** Headers the handler reads, for the document. */
  headers?: Record<string, HeaderParameter>;
  /** A typical body, for the document. */
  example?: unknown;
}

export interface SuccessResponse {
  description: string;
  schema: z.ZodType;
  /** Shown in the OpenAPI document. */
  example?: unknown;
  /** Response headers worth documenting (e.g. `location`). */
  headers?: Record<string, string>;
}

/** A request header worth documenting (it is read by the handler, e.g. `Idempotency-Key`). */
export interface HeaderParameter {
  description: string;
  schema: z.ZodType;
}

/** A route-specific error answer: its status and the codes it can carry. */
export interface ErrorResponse {
  description: string;
  codes: readonly string[];
}

/** Who may call a route: clients holding `scope`, or anyone, for the reason given. */
export type RouteAccess = { scope: Scope; open?: never } | { scope?: never; open: string };

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<Req extends RequestSchemas> {
  params: Parsed<Req["params"]>;
  query: Parsed<Req["query"]>;
  body: Parsed<Req["body"]>;
  /** The calling client (`anonymous` with no scopes on open routes). */
  principal: Principal;
  headers: HeaderMap;
  /** The service's own origin as the client reached it (`https://host/stage`), for absolute links. */
  base: string;
}

/** One of the route's declared success answers, typed by its schema. */
export type RouteResult<Res extends Record<number, SuccessResponse>> = {
  [S in keyof Res & number]: {
    status: S;
    body: z.input<Res[S]["schema"]>;
    headers?: Record<string, string>;
  };
}[keyof Res & number];

export type Route<
  Req extends RequestSchemas = RequestSchemas,
  Res extends Record<number, SuccessResponse> = Record<number, SuccessResponse>,
> = RouteAccess & {
  /** A stable camelCase name: the OpenAPI operationId. */
  name: string;
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Which function serves it. */
  fn: "api" | "webhook";
  /**
   * `scim`: a SCIM 2.0 route (/scim/v2): bodies in application/scim+json or application/json,
   * answers and errors in SCIM's shapes. Its authorizer lets a refused token through without a
   * client, so the API function answers the 401 in SCIM's shape (API Gateway's own 401 has one
   * shape per API, the product's).
   */
  wire?: "scim";
  request: Req;
  responses: Res;
  /** Errors particular to this route (the ones every route can answer are added by the generator). */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 503, ErrorResponse>>;
  /** Absent only for routes another function serves (the webhook). */
  handle?: (input: RouteInput<Req>, deps: ApiDeps) => Promise<NoInfer<RouteResult<Res>>>;
};

/** A handler's answer: `reply(200, body)` keeps the status literal so it is checked against `responses`. */
export function reply<S extends number, B>(status: S, body: B, headers?: Record<string, string>) {
  return headers ? { status, body, headers } : { status, body };
}

/** Declares a route with its handler's input and answers typed by its schemas. */
export function defineRoute<Req extends RequestSchemas, Res extends Record<number, SuccessResponse>>(
  route: Route<Req, Res>,
): Route {
  return route as unknown as Route;
}
