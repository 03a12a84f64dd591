/**
 * The local stand-in for API Gateway (REST, proxy integration): a node:http server that matches a
 * request against the route table (functions/api/routes.ts), runs the TOKEN authorizer first for
 * routes that need a scope (401 in the product's error shape when it refuses, as the stack's
 * gateway response does; SCIM's routes run it as a REQUEST authorizer on every request, and the
 * function answers a refusal), puts its context into `requestContext.authorizer`, and calls the same
 * Lambda entry the stack deploys for that route. Unknown routes answer 404 JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from "aws-lambda";
import { toProxyEvent } from "./api-gateway-event";
import { gatewayError } from "./gateway-errors";
import { type LambdaEntry, LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaContext } from "./lambda-context";

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout. */
const API_TIMEOUT_SECONDS = 29;
/** The stack's TokenAuthorizer `validationRegex`: a malformed header never reaches the function. */
const BEARER_HEADER = /^Bearer [A-Za-z0-9._~+/=-]+$/;

export interface HttpFrontFunctions {
  authorizer: LambdaEntry;
  api: LambdaEntry;
  webhook: LambdaEntry;
}

export interface HttpFrontOptions {
  port: number;
  /** Loads the handlers on first use, after local mode has set the environment they read. */
  functions: () => Promise<HttpFrontFunctions>;
  onError?: (message: string) => void;
}

export interface RunningHttpFront {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startHttpFront(options: HttpFrontOptions): Promise<RunningHttpFront> {
  const server = createServer((request, response) => {
    void serve(request, response, options).catch((error: unknown) => {
      options.onError?.(`request ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) send(response, gatewayError("internal"));
      else response.destroy();
    });
  });
  await listen(server, options.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, options: HttpFrontOptions) {
  const url = new URL(request.url ?? "/", "http://localhost");
  const body = await readBody(request);
  if (body === "too large") return send(response, gatewayError("tooLarge"));
  const headers = headersOf(request);
  const facts = {
    method: request.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
  };
  const matched = toProxyEvent(facts);
  if (!matched) return send(response, gatewayError("notFound"));

  const functions = await options.functions();
  const { event, route } = matched;
  if (route.scope !== undefined) {
    const authorization = Object.entries(headers).find(
      ([name]) => name.toLowerCase() === "authorization",
    )?.[1];
    // SCIM's routes have a REQUEST authorizer that runs for every request (infra/constructs/api.ts).
    const inBand = route.wire === "scim";
    if (!inBand && (!authorization || !BEARER_HEADER.test(authorization)))
      return send(response, gatewayError("unauthorized"));
    const methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:local/local/${event.httpMethod}${url.pathname}`;
    let allowed: APIGatewayAuthorizerResult;
    try {
      allowed = (await functions.authorizer(
        inBand
          ? { ...event, type: "REQUEST", methodArn }
          : { type: "TOKEN", authorizationToken: authorization, methodArn },
        lambdaContext("authorizer", 10),
      )) as APIGatewayAuthorizerResult;
    } catch (error) {
      // API Gateway's contract: the authorizer throws exactly "Unauthorized" for 401; anything else is a 500.
      if (error instanceof Error && error.message === "Unauthorized") {
        return send(response, gatewayError("unauthorized"));
      }
      options.onError?.(`authorizer failed: ${String(error)}`);
      return send(response, gatewayError("internal"));
    }
    if (!allows(allowed)) return send(response, gatewayError("unauthorized"));
    event.requestContext.authorizer = { principalId: allowed.principalId, ...allowed.context };
  }

  const entry = route.fn === "webhook" ? functions.webhook : functions.api;
  let result: APIGatewayProxyResult;
  try {
    result = (await entry(event, lambdaContext(route.fn, API_TIMEOUT_SECONDS))) as APIGatewayProxyResult;
  } catch (error) {
    // A function that throws is a 502 in API Gateway; the product shape keeps it a generic 5xx.
    options.onError?.(`${route.fn} function threw: ${String(error)}`);
    return send(response, gatewayError("internal"));
  }
  send(response, result);
}

function allows(result: APIGatewayAuthorizerResult): boolean {
  return result.policyDocument.Statement.some((statement) => statement.Effect === "Allow");
}

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string> = {};
  // rawHeaders keeps the client's spelling, as API Gateway does; repeated headers are joined.
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<string | undefined | "too large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return "too large";
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "");
  response.writeHead(result.statusCode, { ...headers, "content-length": String(body.length) });
  response.end(body);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} is already in use: set PORT to a free port (PORT=0 picks one)`)
          : error,
      );
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
}
