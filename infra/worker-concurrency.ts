/**
 * Sizing of the worker's SQS event sources. `maxConcurrency` is the coarse guard on how many worker
 * invocations one queue may drive at once; the DynamoDB rate limiter is what actually holds the
 * Dialpad budget. The guard must still leave enough calls in flight to *use* the budget.
 */

export interface WorkerConcurrencyInput {
  /** Dialpad requests per second this queue's work may use. */
  budgetRps: number;
  /** Typical latency of one Dialpad request. */
  dialpadLatencyMs: number;
  /** Records per SQS batch handed to one invocation. */
  batchSize: number;
  /** How many of a batch's records one invocation processes at the same time. */
  recordsInFlightPerInvocation: number;
}

/** The ESM accepts 2..1000 for `maxConcurrency`. */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;
export const MAX_EVENT_SOURCE_CONCURRENCY = 1000;

/**
 * By Little's law the Dialpad calls in flight needed to sustain a rate are budget × latency
 * (15 req/s at 200 ms → 3 calls). A record's job makes its Dialpad calls one after another, so each
 * record in flight is one call in flight, and an invocation holds min(batchSize,
 * recordsInFlightPerInvocation) of them. The invocations needed are therefore
 * ceil(budget × latency / recordsPerInvocation), clamped to the event source's 2..1000.
 */
export function workerConcurrency(input: WorkerConcurrencyInput): number {
  const { budgetRps, dialpadLatencyMs, batchSize, recordsInFlightPerInvocation } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  }
  const callsInFlight = (budgetRps * dialpadLatencyMs) / 1000;
  const recordsPerInvocation = Math.max(1, Math.min(batchSize, Math.floor(recordsInFlightPerInvocation)));
  const invocations = Math.ceil(callsInFlight / recordsPerInvocation);
  return Math.min(MAX_EVENT_SOURCE_CONCURRENCY, Math.max(MIN_EVENT_SOURCE_CONCURRENCY, invocations));
}

/**
 * Both event sources' `maxConcurrency`: either lane may use the whole budget (the shared limiter
 * serves urgent callers first); every record of a batch is processed concurrently. The stack, local
 * mode and the benchmarks all size the worker here.
 */
export function laneConcurrency(settings: {
  dialpadRateLimitRps: number;
  dialpadLatencyMs: number;
  urgentBatchSize: number;
  bulkBatchSize: number;
}): { urgent: number; bulk: number } {
  const lane = (budgetRps: number, batchSize: number) =>
    workerConcurrency({
      budgetRps,
      dialpadLatencyMs: settings.dialpadLatencyMs,
      batchSize,
      recordsInFlightPerInvocation: batchSize,
    });
  return {
    urgent: lane(settings.dialpadRateLimitRps, settings.urgentBatchSize),
    bulk: lane(settings.dialpadRateLimitRps, settings.bulkBatchSize),
  };
}

/** Lambda's guidance: visibility timeout ≥ 6 × function timeout (+ batching window). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * A queue's visibility timeout: a record gathered early in a batching window waits out the window
 * before its invocation starts, then may take the function's whole timeout, retries included.
 */
export const queueVisibilityTimeoutSeconds = (functionTimeoutSeconds: number, batchingWindowSeconds = 0) =>
  VISIBILITY_TIMEOUT_FACTOR * functionTimeoutSeconds + batchingWindowSeconds;
