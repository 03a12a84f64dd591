/**
 * What the domain says when it refuses: the caller's input is wrong, the caller is not who or what
 * it must be, the thing it names does not exist, or the request clashes with the current state.
 * Domain and auth code throw these and know nothing of HTTP; the one mapping in
 * shared/http/error-response.ts turns each kind into its status. `code` is the stable snake_case
 * code clients branch on; `message` is shown to clients as-is, so it never carries internals.
 */

/** One bad field: `path` is dotted (`ticket.id`, `call_center_ids[2]`), "" is the value itself. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export type DomainErrorKind = "invalid" | "unauthenticated" | "not_permitted" | "not_found" | "conflict";

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

/** The request itself is wrong (a bad header, a malformed value). */
export class InvalidInput extends DomainError {
  override name = "InvalidInput";
  readonly kind = "invalid";
}

/** No credential, or one we do not know. */
export class NotAuthenticated extends DomainError {
  override name = "NotAuthenticated";
  readonly kind = "unauthenticated";
  constructor(message = "A valid bearer token is required.") {
    super("unauthorized", message);
  }
}

/** The caller is known but may not do this (a missing scope, approving its own request). */
export class NotPermitted extends DomainError {
  override name = "NotPermitted";
  readonly kind = "not_permitted";
  constructor(message: string, code = "forbidden") {
    super(code, message);
  }
}

export class NotFound extends DomainError {
  override name = "NotFound";
  readonly kind = "not_found";
}

/** The request is valid but the current state does not allow it (nothing to approve...). */
export class StateConflict extends DomainError {
  override name = "StateConflict";
  readonly kind = "conflict";
}

export const IDEMPOTENCY_CONFLICT_MESSAGE =
  "This idempotency key was already used with a different request body; use a new key for a different request.";

/** The idempotency key was already used with another request body (the existing job is not named to the client). */
export class IdempotencyConflict extends StateConflict {
  override name = "IdempotencyConflict";
  constructor(readonly existingJobId: string) {
    super("idempotency_conflict", IDEMPOTENCY_CONFLICT_MESSAGE);
  }
}

/**
 * The request key was used long ago: its job was carried out and has since expired (audit period).
 * The request is not carried out again (a replayed old ticket must not act twice).
 */
export class RequestAlreadyHandled extends StateConflict {
  override name = "RequestAlreadyHandled";
  constructor(readonly jobId: string) {
    super(
      "request_already_handled",
      `This request was already carried out by job ${jobId}, whose record has since expired.`,
    );
  }
}

// Answers of the stores that the use cases act on; never shown to a client (a 500 if one escapes).

/** This run no longer holds its job: another delivery took over after its token expired. */
export class RunSuperseded extends Error {
  override name = "RunSuperseded";
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is held by another run.`);
  }
}

/** The email a record was to move to already has a record of its own. */
export class RecordExists extends Error {
  override name = "RecordExists";
  constructor(readonly email: string) {
    super("A lifecycle record of this email exists already.");
  }
}
