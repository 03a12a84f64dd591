/**
 * The middy middleware that ends every API request that threw: maps the error through
 * `toHttpResponse` and logs server-side failures (5xx) once, with the route template and request id
 * but never the headers (they carry bearer tokens) nor the path (it can carry an email).
 *
 * A middleware rather than a wrapper function because every handler is exported middy-wrapped
 * (docs/architecture.md, house style) and composes with Powertools' `injectLambdaContext`;
 * `respondToError` is the same logic for callers that are not middy (the local HTTP front, tests).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { isScimResource, toScimHttpResponse } from "../scim/scim-error-response";
import { toHttpResponse } from "./error-response";

export type ErrorLogger = Pick<Logger, "error">;

type RequestFacts = Partial<Pick<APIGatewayProxyEvent, "httpMethod" | "resource">> & {
  requestContext?: { requestId?: string };
};

export function respondToError(
  error: unknown,
  event: RequestFacts | undefined,
  logger: ErrorLogger,
): APIGatewayProxyResult {
  // SCIM's routes answer in SCIM's error shape, with the same statuses.
  const response = isScimResource(event?.resource) ? toScimHttpResponse(error) : toHttpResponse(error);
  if (response.statusCode >= 500) {
    logger.error("Request failed", {
      error: error instanceof Error ? error : new Error(String(error)),
      http: {
        method: event?.httpMethod,
        resource: event?.resource,
        request_id: event?.requestContext?.requestId,
        status: response.statusCode,
      },
    });
  }
  return response;
}

export function httpErrorHandler({
  logger,
}: {
  logger: ErrorLogger;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      request.response = respondToError(request.error, request.event, logger);
    },
  };
}
