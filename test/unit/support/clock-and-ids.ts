/** A clock tests move by hand, and ids that are predictable. */
import type { Clock } from "../../../shared/lifecycle/ports";

export class ManualClock implements Clock {
  private ms: number;
  constructor(start = "2026-01-05T09:00:00.000Z") {
    this.ms = Date.parse(start);
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** `job-1`, `job-2`, ... */
export const sequentialIds = (prefix: string) => {
  let next = 0;
  return () => `${prefix}-${++next}`;
};
