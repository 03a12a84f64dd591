/**
 * Counts events in the last second (by arrival time, on a monotonic clock). Shared by the rate
 * limiter (admitted requests) and the stats (peak of all arrivals).
 */
export const WINDOW_MS = 1000;

export class SlidingWindow {
  private readonly times: number[] = [];

  /** Events in (now - 1 s, now]. */
  countAt(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - WINDOW_MS) this.times.shift();
    return this.times.length;
  }

  /** Records an event and answers how many the window ending now holds, this one included. */
  add(now: number): number {
    const count = this.countAt(now) + 1;
    this.times.push(now);
    return count;
  }

  clear(): void {
    this.times.length = 0;
  }
}
