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
