/**
 * Figures over request timestamps: the most requests in any 1-second sliding span (Dialpad's rule),
 * where that span is, and how its requests fall into the limiter's 250 ms windows, so a peak above
 * the limit can be traced to the limiter's grants or to the delay between send and arrival.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const SPAN_MS = 1000;
const LIMITER_WINDOW_MS = 250;

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

/** Counts per 250 ms limiter window (epoch-aligned, as the limiter's) from `fromMs` to `toMs`. */
export function countsPerWindow(times: readonly number[], fromMs: number, toMs: number): number[] {
  const firstWindow = Math.floor(fromMs / LIMITER_WINDOW_MS);
  const lastWindow = Math.floor(toMs / LIMITER_WINDOW_MS);
  const counts = new Array<number>(lastWindow - firstWindow + 1).fill(0);
  for (const time of times) {
    const index = Math.floor(time / LIMITER_WINDOW_MS) - firstWindow;
    if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
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
