import { describe, expect, it } from "vitest";
import {
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

  it("a 429 pauses until now + Retry-After and halves the rate, which then recovers linearly over 10 s", () => {
    const state = throttledState(UNTHROTTLED_STATE, T, 1000, policy);
    expect(state.pausedUntil).toBe(T + 1000);
    expect(state.factorAtThrottle).toBe(0.5);
    expect(rateFactorAt(state, T + 500, policy)).toBe(0.5);
    expect(rateFactorAt(state, T + 1000, policy)).toBe(0.5);
    expect(rateFactorAt(state, T + 1000 + 5000, policy)).toBeCloseTo(0.75);
    expect(rateFactorAt(state, T + 1000 + 10_000, policy)).toBe(1);
    expect(rateFactorAt(state, T + 60_000, policy)).toBe(1);
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
    // 5 s after the pause ended the factor is back at 0.75; halving gives 0.375.
    const again = throttledState(first, T + 6000, 1000, policy);
    expect(again.factorAtThrottle).toBeCloseTo(0.375);
  });

  it("uses 1 s without a usable Retry-After and clamps absurd ones to a minute", () => {
    expect(pauseFor(undefined, policy)).toBe(1000);
    expect(pauseFor(Number.NaN, policy)).toBe(1000);
    expect(pauseFor(-5, policy)).toBe(1000);
    expect(pauseFor(2500, policy)).toBe(2500);
    expect(pauseFor(3_600_000, policy)).toBe(60_000);
  });
});
