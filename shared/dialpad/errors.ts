/**
 * Typed Dialpad failures. `retryable` decides whether the worker retries or fails the job;
 * messages never contain the API key or request headers, and name the route TEMPLATE
 * (`/users/{id}`), never ids or emails from the path.
 */
export type DialpadErrorKind =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "no_seats"
  | "rate_limited"
  | "rejected"
  | "transient";

export interface DialpadErrorDetails {
  /** HTTP status Dialpad answered, absent for timeouts and connection errors. */
  status?: number;
  method?: string;
  /** Route template relative to the base URL, e.g. `/users/{id}`. */
  route?: string;
  /**
   * True when a request that creates something may have been applied by Dialpad (timeout, 5xx or a
   * connection lost after sending). The caller must look before repeating it (e.g. find the user by
   * email before creating again); the client never repeats such a request itself.
   */
  ambiguous?: boolean;
  /** How long Dialpad asked us to wait (429 `Retry-After`), when it said so. */
  retryAfterMs?: number;
  /** Overrides the default (`rate_limited` and `transient` are retryable). */
  retryable?: boolean;
}

export class DialpadError extends Error {
  readonly status?: number;
  readonly method?: string;
  readonly route?: string;
  readonly ambiguous: boolean;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;

  /**
   * `details` may be just the status (`new DialpadError("conflict", "...", 409)`), which keeps the
   * original three-argument form working; `retryable` as 4th argument is kept for the same reason.
   */
  constructor(
    readonly kind: DialpadErrorKind,
    message: string,
    details: DialpadErrorDetails | number = {},
    retryable?: boolean,
  ) {
    super(message);
    this.name = "DialpadError";
    const d: DialpadErrorDetails = typeof details === "number" ? { status: details } : details;
    this.status = d.status;
    this.method = d.method;
    this.route = d.route;
    this.ambiguous = d.ambiguous ?? false;
    this.retryAfterMs = d.retryAfterMs;
    this.retryable = retryable ?? d.retryable ?? (kind === "rate_limited" || kind === "transient");
  }
}

export const isDialpadError = (error: unknown, kind?: DialpadErrorKind): error is DialpadError =>
  error instanceof DialpadError && (kind === undefined || error.kind === kind);
