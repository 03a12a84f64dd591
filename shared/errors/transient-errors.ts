/**
 * Whether an error is an outage that passes rather than a bug: an AWS service throttled us or failed
 * on its side (after the SDK's own retries), or the connection timed out or dropped, directly or as
 * the cause of a wrapping error. The API answers
 * these 503 with `retry-after` so a client repeats the request (same idempotency key, same job)
 * instead of treating it as a failure. Duck-typed on the SDK's error shape (`$fault`, `$metadata`)
 * so no SDK package is needed here.
 */

const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);
/** A cancelled DynamoDB transaction is transient when an item was throttled or in another transaction. */
const TRANSIENT_CANCELLATIONS = new Set([
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
  "TransactionConflict",
]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  CancellationReasons?: { Code?: unknown }[];
}

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, code, $fault, $metadata, CancellationReasons } = error as SdkErrorShape;
  if (name === "TransactionCanceledException")
    return (CancellationReasons ?? []).some((reason) => TRANSIENT_CANCELLATIONS.has(String(reason.Code)));
  if (typeof name === "string" && (THROTTLING.has(name) || TIMEOUTS.has(name))) return true;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  if ($fault === "server" || (typeof status === "number" && (status === 429 || status >= 500))) return true;
  // A wrapper (a SecretReadError of a throttled Secrets Manager) is as transient as its cause.
  return error.cause !== error && isTransientError(error.cause);
}
