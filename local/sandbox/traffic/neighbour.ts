/**
 * Another integration of the same company (a SCIM sync, a script) spending part of Dialpad's
 * company-wide limit. Its requests are not sent over HTTP: they are arrival times on a fixed
 * schedule, replayed into the company limiter just before each real request is judged, so the
 * schedule needs no timers and runs the same under a fake clock. Its requests obey the limit too
 * (a refused one is counted, not retried).
 */
import type { CompanyRateLimit } from "./rate-limiter";

export type NeighbourMode = "off" | "steady" | "bursty";

export interface NeighbourSettings {
  neighbourMode: NeighbourMode;
  /** Steady: requests per second, evenly spaced. */
  neighbourRatePerSecond: number;
  /** Bursty: requests sent at once at the start of every period. */
  neighbourBurstSize: number;
  neighbourBurstEveryMs: number;
}

export const DEFAULT_NEIGHBOUR: NeighbourSettings = {
  neighbourMode: "off",
  neighbourRatePerSecond: 5,
  neighbourBurstSize: 15,
  neighbourBurstEveryMs: 3000,
};

export interface NeighbourCounts {
  admitted: number;
  refused: number;
}

export class NeighbourTraffic {
  private settings: NeighbourSettings = { ...DEFAULT_NEIGHBOUR };
  /** Monotonic ms the current schedule started at. */
  private startedAt = 0;
  /** Index of the next request of the schedule not yet replayed. */
  private next = 0;
  private counts: NeighbourCounts = { admitted: 0, refused: 0 };

  /** (Re)starts the schedule at `now` with these settings. */
  configure(settings: NeighbourSettings, now: number): void {
    this.settings = { ...settings };
    this.startedAt = now;
    this.next = 0;
  }

  /** The schedule's request times in (already replayed, now], in order. */
  arrivalsUntil(now: number): number[] {
    const times: number[] = [];
    for (;;) {
      const at = this.timeOf(this.next);
      if (at === undefined || at > now) return times;
      times.push(at);
      this.next += 1;
    }
  }

  /** Replays the neighbour's requests due by `now` into the company limiter. */
  spendUntil(limiter: CompanyRateLimit, now: number): void {
    for (const at of this.arrivalsUntil(now)) {
      if (limiter.tryAdmit(at)) this.counts.admitted += 1;
      else this.counts.refused += 1;
    }
  }

  stats(): NeighbourCounts {
    return { ...this.counts };
  }

  resetStats(): void {
    this.counts = { admitted: 0, refused: 0 };
  }

  private timeOf(index: number): number | undefined {
    const s = this.settings;
    if (s.neighbourMode === "steady" && s.neighbourRatePerSecond > 0) {
      return this.startedAt + (index * 1000) / s.neighbourRatePerSecond;
    }
    if (s.neighbourMode === "bursty" && s.neighbourBurstSize > 0 && s.neighbourBurstEveryMs > 0) {
      return this.startedAt + Math.floor(index / s.neighbourBurstSize) * s.neighbourBurstEveryMs;
    }
    return undefined;
  }
}
