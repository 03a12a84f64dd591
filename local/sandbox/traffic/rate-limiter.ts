/**
 * Dialpad's company-wide rate limit: at most N requests in ANY 1-second sliding window, shared by
 * every key. Checking "fewer than N admitted in the second before this arrival" for every arrival
 * bounds every window, not just aligned ones. A refused request does not count.
 */
import { SlidingWindow } from "./sliding-window";

export class CompanyRateLimit {
  private readonly admitted = new SlidingWindow();

  constructor(private limitPerSecond: number) {}

  tryAdmit(now: number): boolean {
    if (this.admitted.countAt(now) >= this.limitPerSecond) return false;
    this.admitted.add(now);
    return true;
  }

  setLimit(limitPerSecond: number): void {
    this.limitPerSecond = limitPerSecond;
  }

  get limit(): number {
    return this.limitPerSecond;
  }

  reset(): void {
    this.admitted.clear();
  }
}
