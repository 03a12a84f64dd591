import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fullRecoveryMs,
  pauseFor,
  DEFAULT_THROTTLE_POLICY as policy,
  rateFactorAt,
  throttledState,
  UNTHROTTLED_STATE,
} from "../../../shared/ratelimit/throttle-state";

const T = 1_750_000_000_000; // an injected "now"

describe("throttle state", () => {
  it("runs at the full rate until a 429", () => {
    expect(rateFactorAt(UNTHROTTLED_STATE, T, policy)).toBe(1);
  });

  it("a 429 pauses until now + Retry-After and halves the rate, which climbs fast to the band below the rate that drew it", () => {
    const state = throttledState(UNTHROTTLED_STATE, T, 1000, policy);
    expect(state.pausedUntil).toBe(T + 1000);
    expect(state.factorAtThrottle).toBe(0.5);
    expect(state.ceilingFactor).toBe(1);
    expect(rateFactorAt(state, T + 500, policy)).toBe(0.5);
    expect(rateFactorAt(state, T + 1000, policy)).toBe(0.5);
    // 0.1 a second up to 0.9 (the ceiling less the band), then 0.005 a second.
    expect(rateFactorAt(state, T + 1000 + 2000, policy)).toBeCloseTo(0.7);
    expect(rateFactorAt(state, T + 1000 + 4000, policy)).toBeCloseTo(0.9);
    expect(rateFactorAt(state, T + 1000 + 14_000, policy)).toBeCloseTo(0.95);
    expect(rateFactorAt(state, T + 1000 + 24_000, policy)).toBe(1);
    expect(rateFactorAt(state, T + 120_000, policy)).toBe(1);
  });

  it("creeps through the band around a lower ceiling, then climbs fast again to 1 (a neighbour that stopped)", () => {
    const partial = {
      ...UNTHROTTLED_STATE,
      factorAtThrottle: 0.4,
      ceilingFactor: 0.8,
      recoverFrom: T,
      throttledAt: T - 1000,
    };
    expect(rateFactorAt(partial, T + 3000, policy)).toBeCloseTo(0.7); // fast: 0.4 → 0.7
    expect(rateFactorAt(partial, T + 3000 + 10_000, policy)).toBeCloseTo(0.75); // slow inside the band
    expect(rateFactorAt(partial, T + 3000 + 40_000, policy)).toBeCloseTo(0.9); // the band's top
    expect(rateFactorAt(partial, T + 3000 + 41_000, policy)).toBeCloseTo(1);
    expect(fullRecoveryMs(policy)).toBe(50_000);
  });

  it("never leaves [floor, 1] and never goes down while recovering", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.25, max: 1, noNaN: true }),
        fc.double({ min: 0.25, max: 1, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 2, maxLength: 20 }),
        (lowered, ceiling, offsets) => {
          const state = {
            ...UNTHROTTLED_STATE,
            factorAtThrottle: Math.min(lowered, 0.99),
            ceilingFactor: ceiling,
            recoverFrom: T,
          };
          const sorted = [...offsets].sort((a, b) => a - b);
          let previous = 0;
          for (const offset of sorted) {
            const factor = rateFactorAt(state, T + offset, policy);
            expect(factor).toBeGreaterThanOrEqual(Math.min(lowered, 0.99) - 1e-12);
            expect(factor).toBeLessThanOrEqual(1);
            expect(factor).toBeGreaterThanOrEqual(previous - 1e-12);
            previous = factor;
          }
          expect(rateFactorAt(state, T + fullRecoveryMs(policy), policy)).toBe(1);
        },
      ),
    );
  });

  it("a 429 inside the pause belongs to the burst however late: it extends the pause, the rate and ceiling stay", () => {
    const first = throttledState({ ...UNTHROTTLED_STATE }, T, 3000, policy);
    const late = throttledState(first, T + 2500, 1000, policy);
    expect(late.factorAtThrottle).toBe(0.5);
    expect(late.ceilingFactor).toBe(1);
    expect(late.throttledAt).toBe(T);
    expect(late.pausedUntil).toBe(T + 3500);
    expect(late.recoverFrom).toBe(T + 3500);
  });

  it("counts a burst of simultaneous 429s once: later ones extend the pause but do not halve again", () => {
    const first = throttledState(UNTHROTTLED_STATE, T, 1000, policy);
    const second = throttledState(first, T + 200, 2000, policy);
    expect(second.factorAtThrottle).toBe(0.5);
    expect(second.pausedUntil).toBe(T + 2200);
    expect(second.recoverFrom).toBe(T + 2200);
  });

  it("never shortens a pause another worker set", () => {
    const long = throttledState(UNTHROTTLED_STATE, T, 5000, policy);
    expect(throttledState(long, T + 100, 100, policy).pausedUntil).toBe(T + 5000);
  });

  it("lowers the rate again on a later 429, down to the floor of 0.25", () => {
    let state = throttledState(UNTHROTTLED_STATE, T, 1000, policy);
    // At the pause's end (recovery not yet begun), past the 1 s burst: halve again.
    state = throttledState(state, T + 1000, 1000, policy);
    expect(state.factorAtThrottle).toBe(0.25);
    state = throttledState(state, T + 2000, 1000, policy);
    expect(state.factorAtThrottle).toBe(0.25);
  });

  it("lowers from the partly recovered factor, not from the last recorded one", () => {
    const first = throttledState(UNTHROTTLED_STATE, T, 1000, policy);
    // 3 s after the pause ended the factor is back at 0.8; halving gives 0.4, and 0.8 is the new ceiling.
    const again = throttledState(first, T + 4000, 1000, policy);
    expect(again.factorAtThrottle).toBeCloseTo(0.4);
    expect(again.ceilingFactor).toBeCloseTo(0.8);
  });

  it("uses 1 s without a usable Retry-After and clamps absurd ones to a minute", () => {
    expect(pauseFor(undefined, policy)).toBe(1000);
    expect(pauseFor(Number.NaN, policy)).toBe(1000);
    expect(pauseFor(-5, policy)).toBe(1000);
    expect(pauseFor(2500, policy)).toBe(2500);
    expect(pauseFor(3_600_000, policy)).toBe(60_000);
  });
});
