/**
 * Dialpad's per-operation limit: the spec states "Rate limit: 1200 per minute" on most operations.
 * Read here as at most N admitted requests of one operation (method + route) in any 60-second sliding
 * window, on top of the company-wide per-second limit. A refused request does not count.
 */
export const OPERATION_WINDOW_MS = 60_000;

export class OperationRateLimit {
  private readonly admitted = new Map<string, number[]>();

  constructor(private limitPerMinute: number) {}

  /** Admits the request, or answers the whole seconds until the oldest admission leaves the window. */
  tryAdmit(
    operation: string,
    now: number,
  ): { admitted: true } | { admitted: false; retryAfterSeconds: number } {
    const times = this.admitted.get(operation) ?? [];
    while (times.length > 0 && times[0]! <= now - OPERATION_WINDOW_MS) times.shift();
    if (times.length >= this.limitPerMinute) {
      const freeAt = times[times.length - this.limitPerMinute]! + OPERATION_WINDOW_MS;
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    }
    times.push(now);
    this.admitted.set(operation, times);
    return { admitted: true };
  }

  setLimit(limitPerMinute: number): void {
    this.limitPerMinute = limitPerMinute;
  }
}
