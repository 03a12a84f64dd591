/**
 * The one error → HTTP mapping. Domain errors answer with the status of their kind, the edge's own
 * ApiErrors with theirs; a passing outage (a throttled or failing AWS service, a dropped connection)
 * answers 503 with `retry-after`; anything else is a bug and answers 500 with a generic sentence:
 * internal messages (conditions, SDK errors, stack traces) never reach clients.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { DomainError, type DomainErrorKind } from "../errors/domain-errors";
import { isTransientError } from "../errors/transient-errors";
import { ApiError, type ErrorDetail, InternalError, ServiceUnavailableError } from "./api-error";
import { json } from "./json-response";

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  not_permitted: 403,
  not_found: 404,
  conflict: 409,
};

/** The error as the API answers it: status, code, message, details and extra headers. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError)
    return new ApiError(STATUS_OF_KIND[error.kind], error.code, error.message, error.details);
  if (isTransientError(error)) return new ServiceUnavailableError();
  return new InternalError();
}

export function toHttpResponse(error: unknown): APIGatewayProxyResult {
  const apiError = toApiError(error);
  const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
  if (apiError.details !== undefined) body.error.details = apiError.details;
  return json(apiError.status, body, apiError.headers);
}
