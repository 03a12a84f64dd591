/**
 * The errors only the HTTP edge can raise (a body that is not JSON or too large, a bad path, a
 * throttled client), one class per status of the product's error table. Domain code throws domain
 * errors instead (shared/errors/domain-errors.ts); `toHttpResponse` (error-response.ts) is the one
 * place that turns either into `{"error": {code, message, details?}}`. Messages are shown to
 * clients as-is, so they must never contain tokens, secrets or internal details.
 */
import type { ErrorDetail } from "../errors/domain-errors";

export type { ErrorDetail };

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    /** snake_case, stable: clients branch on it. */
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. `retry-after` on 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 for a malformed request that is not about one field (bad header, bad JSON...). */
export class BadRequestError extends ApiError {
  override name = "BadRequestError";
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(400, code, message, details);
  }
}

/** 400 `validation_failed`: each bad field is listed in `details`. */
export class ValidationError extends ApiError {
  override name = "ValidationError";
  constructor(details: ErrorDetail[], message = "The request is invalid; see details for each bad field.") {
    super(400, "validation_failed", message, details);
  }
}

/** 400 `invalid_json`: the body could not be read as JSON. */
export class InvalidJsonError extends ApiError {
  override name = "InvalidJsonError";
  constructor(message = "The request body is not valid JSON.") {
    super(400, "invalid_json", message);
  }
}

export class PayloadTooLargeError extends ApiError {
  override name = "PayloadTooLargeError";
  constructor(maxBytes: number) {
    super(413, "payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = "UnsupportedMediaTypeError";
  constructor(message = "The request body must be JSON: send content-type: application/json.") {
    super(415, "unsupported_media_type", message);
  }
}

/** 429: the client sends faster than it may; `retryAfterSeconds` becomes a `retry-after` header. */
export class ThrottledError extends ApiError {
  override name = "ThrottledError";
  constructor(retryAfterSeconds?: number, message = "Too many requests; slow down and retry later.") {
    super(
      429,
      "throttled",
      message,
      undefined,
      retryAfterSeconds === undefined
        ? undefined
        : { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    );
  }
}

/** Long enough for a throttled table to refill, short enough for a ticketing system's retry. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/**
 * 503 `service_unavailable`: a store or queue the request needs is throttled or failing for a moment
 * (shared/errors/transient-errors.ts). Nothing is lost: repeating the request with the same
 * idempotency key answers the same job.
 */
export class ServiceUnavailableError extends ApiError {
  override name = "ServiceUnavailableError";
  constructor(
    retryAfterSeconds = SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
    message = "The service is briefly unavailable; retry after the retry-after seconds with the same Idempotency-Key.",
  ) {
    super(503, "service_unavailable", message, undefined, { "retry-after": String(retryAfterSeconds) });
  }
}

/**
 * 500 with a generic message. Throw it when a failure is expected but not the client's fault; any
 * other unknown error is answered the same way by the mapper.
 */
export class InternalError extends ApiError {
  override name = "InternalError";
  constructor(message = "An unexpected error occurred; please retry later.") {
    super(500, "internal_error", message);
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;
