/**
 * The pump on a crowded CPU: every timer may fire late (the fake clock's `wakeLateMs`), so callers
 * wake past their slots. What must hold whatever the delays: no span of a second lets more callers
 * go than the budget allows, urgent callers keep their lane, and a caller that missed its slot is let
 * go on its next reservation instead of missing slot after slot.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Lane } from "../../../shared/lifecycle/ports";
import {
  createSharedRateBudget,
  mayGoEarly,
  RECLAIM_WITHIN_MS,
} from "../../../shared/ratelimit/shared-rate-budget";
import { COMPANY_LIMIT_RPS, MAX_BUDGET_RPS } from "../../../shared/ratelimit/slot-planner";
import { FakeClock, InMemoryBudgetStore } from "./fake-budget-parts";

/** Most times in any span of `spanMs`. */
function peakInSpan(times: readonly number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while ((sorted[head] ?? 0) - (sorted[tail] ?? 0) >= spanMs) tail++;
    peak = Math.max(peak, head - tail + 1);
  }
  return peak;
}

/** Runs the clock until `done()` or an hour has passed on it (a caller never served fails the test, not hangs it). */
async function runUntilDone(clock: FakeClock, done: () => boolean): Promise<void> {
  const cap = clock.now() + 3_600_000;
  while (!done() && clock.now() < cap) await clock.runUntil(clock.now() + 1000);
}

/** A sequence of wake-up delays, drawn in order and repeated. */
const delaysFrom = (delays: readonly number[]) => {
  let i = 0;
  return () => delays[i++ % delays.length] ?? 0;
};

function setUp(budgetRps: number, processCount: number, wakeLateMs: () => number, writeMs = 8) {
  const clock = new FakeClock(wakeLateMs);
  const store = new InMemoryBudgetStore(clock, writeMs);
  const counts = { missed: 0, reclaimed: 0 };
  const pumps = Array.from({ length: processCount }, () =>
    createSharedRateBudget({
      store,
      budgetRps,
      now: clock.now,
      sleep: clock.sleep,
      onSlotMissed: () => {
        counts.missed++;
      },
      onSlotReclaimed: () => {
        counts.reclaimed++;
      },
    }),
  );
  return { clock, store, pumps, counts };
}

describe("shared rate budget: late wake-ups", () => {
  it("never lets more go in any second than the budget allows, whatever the wake-up delays, and serves every caller", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: MAX_BUDGET_RPS }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({ lane: fc.constantFrom<Lane>("urgent", "bulk"), count: fc.integer({ min: 1, max: 8 }) }),
          { minLength: 1, maxLength: 10 },
        ),
        // Mostly on time, sometimes a few ms late, sometimes a long stall (up to 1.2 s).
        fc.array(
          fc.oneof(
            { arbitrary: fc.constant(0), weight: 4 },
            { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 2 },
            { arbitrary: fc.integer({ min: 0, max: 1200 }), weight: 1 },
          ),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 40 }),
        async (budget, processCount, workers, delays, writeMs) => {
          const { clock, pumps } = setUp(budget, processCount, delaysFrom(delays), writeMs);
          const released: number[] = [];
          const done = Promise.all(
            workers.map(async (w, i) => {
              const limiter = pumps[i % processCount]!.limiterFor(w.lane);
              for (let n = 0; n < w.count; n++) {
                await limiter.acquire();
                released.push(clock.now());
              }
            }),
          );
          const total = workers.reduce((sum, w) => sum + w.count, 0);
          await runUntilDone(clock, () => released.length === total);
          // Served whenever wake-ups stay within a quarter slot. (Beyond, liveness depends on how the
          // delays fall: one whose every slot wake-up is over half a slot late goes only on the early
          // path, whose reach is a second; the next test covers the steady case.)
          const quarterSlot = Math.ceil(1000 / budget) / 4;
          if (delays.every((d) => d <= quarterSlot)) {
            expect(released).toHaveLength(total);
            await done;
          }
          // Each caller goes within half a slot after a slot, or early on a slot reserved within a
          // second of one it missed: no span of 1 s less half a slot holds more than the budget...
          const halfSlot = Math.ceil(1000 / budget) / 2;
          expect(peakInSpan(released, 1000 - halfSlot)).toBeLessThanOrEqual(budget);
          // ... so no second holds more than the company's limit.
          expect(peakInSpan(released, 1000)).toBeLessThanOrEqual(COMPANY_LIMIT_RPS);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("a caller that woke late goes on its next reservation: it misses one slot, not one after another", async () => {
    // Every timer fires 40 ms late: more than half a slot at 19/s (26.5 ms), so every slot a caller
    // sleeps towards is missed. Queued again to sleep towards the next one, it would never go.
    const { clock, pumps, counts } = setUp(19, 1, () => 40);
    const limiter = pumps[0]!.limiterFor("bulk");
    const released: number[] = [];
    const callers = Array.from({ length: 10 }, async () => {
      for (let n = 0; n < 5; n++) {
        await limiter.acquire();
        released.push(clock.now());
      }
    });
    await runUntilDone(clock, () => released.length === 50);
    expect(released).toHaveLength(50);
    await Promise.all(callers);
    expect(counts.missed).toBeLessThanOrEqual(50);
    expect(counts.reclaimed).toBeGreaterThan(0);
    expect(peakInSpan(released, 1000 - 53 / 2)).toBeLessThanOrEqual(19);
  });
});

describe("mayGoEarly", () => {
  it("lets a caller go early only for a slot within a second of the one it missed, once that has passed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -2000, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (missed, gap, after) => {
          const slot = missed + gap;
          const early = mayGoEarly(missed, slot, missed + after);
          expect(early).toBe(gap <= RECLAIM_WITHIN_MS && after > 0);
          expect(mayGoEarly(undefined, slot, missed + after)).toBe(false);
        },
      ),
    );
  });
});
