/**
 * Typed Dialpad failures. `retryable` decides whether the worker retries or fails the job;
 * messages never contain the API key or request headers.
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

export class DialpadError extends Error {
  constructor(
    readonly kind: DialpadErrorKind,
    message: string,
    readonly status?: number,
    readonly retryable = kind === "rate_limited" || kind === "transient",
  ) {
    super(message);
    this.name = "DialpadError";
  }
}

export const isDialpadError = (error: unknown, kind?: DialpadErrorKind): error is DialpadError =>
  error instanceof DialpadError && (kind === undefined || error.kind === kind);
