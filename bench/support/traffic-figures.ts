/**
 * Figures over request timestamps: the most requests in any 1-second sliding span (Dialpad's rule),
 * where that span is, and how its requests fall into 100 ms buckets, so a peak above the limit can be
 * traced to the limiter's grants or to the delay between send and arrival; and the rate at the start,
 * middle and end of a busy span, to show where a budget went unused.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const SPAN_MS = 1000;
const BUCKET_MS = 100;

/** Most timestamps in any span (t − 1 s, t], and the span's end. */
export function peakInAnySecond(times: readonly number[]): { peak: number; endsAt: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let endsAt = Number.NaN;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    const end = sorted[last] ?? 0;
    while ((sorted[first] ?? 0) <= end - SPAN_MS) first++;
    if (last - first + 1 > peak) {
      peak = last - first + 1;
      endsAt = end;
    }
  }
  return { peak, endsAt };
}

/** Counts per 100 ms bucket (epoch-aligned) from `fromMs` to `toMs`. */
export function countsPerBucket(times: readonly number[], fromMs: number, toMs: number): number[] {
  const firstWindow = Math.floor(fromMs / BUCKET_MS);
  const lastWindow = Math.floor(toMs / BUCKET_MS);
  const counts = new Array<number>(lastWindow - firstWindow + 1).fill(0);
  for (const time of times) {
    const index = Math.floor(time / BUCKET_MS) - firstWindow;
    if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

export interface RateByPhase {
  /** Requests per second over the first `edgeMs` of the busy span, the middle, and the last `edgeMs`. */
  start: number;
  middle: number;
  end: number;
}

/** Where a busy span's rate fell short: its start (work ramping up), middle, or end (work running out). */
export function rateByPhase(times: readonly number[], edgeMs: number): RateByPhase {
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted[sorted.length - 1] ?? 0;
  const rate = (from: number, to: number) =>
    to > from ? sorted.filter((t) => t >= from && t < to).length / ((to - from) / 1000) : Number.NaN;
  return {
    start: rate(first, first + edgeMs),
    middle: rate(first + edgeMs, last - edgeMs),
    // The end phase includes the last request itself.
    end: rate(last - edgeMs, last + 1),
  };
}

/**
 * Samples this process's event-loop delay (the API, the workers and the Dialpad clients share the
 * loop) and its garbage-collection pauses, to tell a stall caused here from one caused by the host
 * (other processes on the same cores).
 */
export function startEventLoopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      gcTotalMs += entry.duration;
    }
  });
  gc.observe({ entryTypes: ["gc"] });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      gc.disconnect();
      const ms = (ns: number) => ns / 1e6;
      return { p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), gcMaxMs, gcTotalMs };
    },
  };
}
