/**
 * A single-process token bucket for the sandbox load test only (the real, shared limiter lives in
 * shared/ratelimit and belongs elsewhere). Callers are served in order; `onThrottled` empties the
 * bucket and pauses everyone, which is what the client's 429 handling expects of a limiter.
 *
 * At most `capacity + ratePerSecond` requests can start in any one-second window.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as wait } from "node:timers/promises";
import type { RateLimiter } from "../../shared/dialpad/api";

export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private refilledAt = performance.now();
  private pausedUntil = 0;
  private line: Promise<void> = Promise.resolve();
  throttled: (number | undefined)[] = [];

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  acquire(): Promise<void> {
    const turn = this.line.then(() => this.take());
    this.line = turn;
    return turn;
  }

  async onThrottled(retryAfterMs: number | undefined): Promise<void> {
    this.throttled.push(retryAfterMs);
    this.refill();
    this.tokens = 0;
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + (retryAfterMs ?? 1000));
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      if (now < this.pausedUntil) {
        await wait(this.pausedUntil - now);
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await wait(Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000,
    );
    this.refilledAt = now;
  }
}
