/**
 * In-memory parts for the rate budget's pump: a clock whose time moves only when the test says, and
 * a budget store with the DynamoDB adapter's contract (a write succeeds only from the stored
 * revision; a refused one answers the stored state) and a write latency on that clock.
 */
import type { BudgetStore, ReplaceOutcome } from "../../../shared/ratelimit/shared-rate-budget";
import { type BudgetState, INITIAL_BUDGET_STATE } from "../../../shared/ratelimit/slot-planner";

export const EPOCH = 1_764_000_000_000;

/** Lets every pending promise chain run (microtasks drain before an immediate). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeClock {
  private current = EPOCH;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  /** `wakeLateMs`: how late each timer fires past its time (a crowded CPU); none by default. */
  constructor(private readonly wakeLateMs: () => number = () => 0) {}

  readonly now = () => this.current;

  readonly sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const at = this.current + Math.max(0, ms) + Math.max(0, this.wakeLateMs());
      this.timers.push({ at, seq: this.seq++, resolve });
    });

  /** Fires every timer due up to `untilMs`, in time order, letting the code they wake run in between. */
  async runUntil(untilMs: number): Promise<void> {
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > untilMs) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.resolve();
    }
    this.current = Math.max(this.current, untilMs);
    await settle();
  }

  /** A stalled process: time jumps without any timer firing on the way. */
  jump(ms: number): void {
    this.current += ms;
  }
}

export class InMemoryBudgetStore implements BudgetStore {
  stored: BudgetState = INITIAL_BUDGET_STATE;
  writes = 0;
  refused = 0;
  failNext: Error | undefined;

  constructor(
    private readonly clock: FakeClock,
    private readonly writeMs = 8,
  ) {}

  async read(): Promise<BudgetState> {
    await this.clock.sleep(this.writeMs);
    return this.stored;
  }

  async replace(expected: BudgetState, next: BudgetState): Promise<ReplaceOutcome> {
    await this.clock.sleep(this.writeMs / 2);
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.writes++;
    let outcome: ReplaceOutcome;
    if (expected.revision === this.stored.revision) {
      this.stored = next;
      outcome = { written: true };
    } else {
      this.refused++;
      outcome = { written: false, current: this.stored };
    }
    await this.clock.sleep(this.writeMs / 2);
    return outcome;
  }
}
