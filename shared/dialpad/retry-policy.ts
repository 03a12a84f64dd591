/**
 * When the Dialpad client may repeat a request and how long it waits first: capped exponential
 * back-off with full jitter, and Dialpad's `Retry-After` (seconds or HTTP-date) when it sends one.
 */

export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/**
 * Full jitter: `random() * min(maxDelay, base * 2^retry)` where `retry` is 0 before the first
 * repeat. Full (not equal) jitter spreads workers that failed together across the whole window,
 * so they do not come back as a burst against the company-wide 20 req/s.
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  return Math.floor(settings.random() * ceiling);
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds (`"3"`, `"1.5"`) or an HTTP-date.
 * Undefined when absent or unreadable; a date in the past means 0 (retry now).
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP-date always names a day or month; bare numbers such as "-3" are not dates.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
