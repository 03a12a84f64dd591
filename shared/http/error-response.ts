/**
 * The one error → HTTP mapper. ApiErrors answer with their own status and code; anything else is a
 * bug or an outage and answers 500 with a generic sentence: internal messages (SQL-ish conditions,
 * SDK errors, stack traces) never reach clients.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { type ErrorDetail, InternalError, isApiError } from "./api-error";
import { json } from "./json-response";

/** The body of every error answer (PRODUCT.md). */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export function toHttpResponse(error: unknown): APIGatewayProxyResult {
  const apiError = isApiError(error) ? error : new InternalError();
  const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
  if (apiError.details !== undefined) body.error.details = apiError.details;
  return json(apiError.status, body, apiError.headers);
}
