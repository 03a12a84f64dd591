import { describe, expect, it } from "vitest";
import {
  bulkAllowance,
  COMPANY_LIMIT_RPS,
  effectiveBudgetRps,
  MAX_BUDGET_RPS,
  MAX_PER_WINDOW,
  urgentReserve,
  WINDOW_MS,
  WINDOWS_PER_SPAN,
  windowAllowance,
  windowIndexAt,
} from "../../shared/ratelimit/window-schedule";

/** A realistic epoch window index (2025), so the arithmetic is checked on numbers of the real size. */
const FIRST_WINDOW = windowIndexAt(Date.UTC(2025, 5, 1));
const windows = (count: number, allowanceOf: (w: number) => number) =>
  Array.from({ length: count }, (_, i) => allowanceOf(FIRST_WINDOW + i));
const sums = (values: number[], span: number) =>
  values
    .slice(0, values.length - span + 1)
    .map((_, i) => values.slice(i, i + span).reduce((a, b) => a + b, 0));
const budgets = Array.from({ length: 20 }, (_, i) => i + 1);

describe("window allowances", () => {
  it("a 1-second span touches at most 5 windows of 250 ms, so 5-window sums bound every span", () => {
    for (let start = 0; start < 2 * WINDOW_MS; start++) {
      const touched = windowIndexAt(start + 999) - windowIndexAt(start) + 1;
      expect(touched).toBeLessThanOrEqual(WINDOWS_PER_SPAN);
    }
    expect(WINDOWS_PER_SPAN).toBe(5);
    expect(MAX_PER_WINDOW * WINDOWS_PER_SPAN).toBeLessThanOrEqual(COMPANY_LIMIT_RPS);
  });

  it.each(budgets)(
    "budget %i/s: every 5-window span ≤ 20 and the long-run average equals the budget",
    (budget) => {
      const allowances = windows(256, (w) => windowAllowance(w, budget));
      expect(Math.max(...sums(allowances, WINDOWS_PER_SPAN))).toBeLessThanOrEqual(COMPANY_LIMIT_RPS);
      // 256 windows = 64 s: the total is exactly the (effective) budget per second.
      const total = allowances.reduce((a, b) => a + b, 0);
      expect(total / 64).toBe(effectiveBudgetRps(budget));
      // And every second (4 consecutive windows) grants the budget exactly: no burst, no shortfall.
      for (const perSecond of sums(allowances, 4)) expect(perSecond).toBe(effectiveBudgetRps(budget));
    },
  );

  it("budgets above 16/s are held at 16/s: 250 ms windows cannot average more within 20 per sliding second", () => {
    expect(MAX_BUDGET_RPS).toBe(16);
    expect(effectiveBudgetRps(20)).toBe(16);
    expect(effectiveBudgetRps(15)).toBe(15);
  });

  it("spreads 15/s as 3,4,4,4 by window index, worst 1-second span 19", () => {
    const allowances = windows(8, (w) => windowAllowance(w, 15));
    expect([...allowances].sort()).toEqual([3, 3, 4, 4, 4, 4, 4, 4]);
    expect(Math.max(...sums(allowances, 5))).toBe(19);
  });

  it("keeps every 5-window span ≤ 20 even when each window is judged at a different factor", () => {
    // Processes with stale STATE copies may disagree on the factor right after a 429.
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const budget of budgets) {
      const allowances = windows(512, (w) => windowAllowance(w, budget, 0.25 + 0.75 * random()));
      expect(Math.max(...allowances)).toBeLessThanOrEqual(MAX_PER_WINDOW);
      expect(Math.max(...sums(allowances, 5))).toBeLessThanOrEqual(COMPANY_LIMIT_RPS);
    }
  });

  it("scales with the rate factor: 15/s at 0.5 averages 7.5/s, at 0.25 3.75/s", () => {
    const average = (factor: number) =>
      windows(256, (w) => windowAllowance(w, 15, factor)).reduce((a, b) => a + b, 0) / 64;
    expect(average(0.5)).toBe(7.5);
    expect(average(0.25)).toBe(3.75);
    expect(average(1)).toBe(15);
  });

  it("handles fractional budgets without drifting above them", () => {
    for (const budget of [0.5, 2.5, 7.3, 15.9]) {
      const average = windows(256, (w) => windowAllowance(w, budget)).reduce((a, b) => a + b, 0) / 64;
      expect(average).toBeLessThanOrEqual(budget);
      expect(average).toBeGreaterThan(budget - 0.07);
    }
  });
});

describe("urgent reserve", () => {
  it("reserves the urgent share of a window, at least one request whenever the window grants any", () => {
    expect(urgentReserve(4, 0.25)).toBe(1);
    expect(urgentReserve(3, 0.25)).toBe(1);
    expect(urgentReserve(1, 0.25)).toBe(1);
    expect(urgentReserve(4, 0.5)).toBe(2);
    expect(urgentReserve(0, 0.25)).toBe(0);
    expect(urgentReserve(4, 0)).toBe(0);
  });

  it("lets bulk take the whole window when urgent work is idle, and leaves the reserve when it is active", () => {
    for (let allowance = 0; allowance <= MAX_PER_WINDOW; allowance++) {
      expect(bulkAllowance(allowance, 0.25, false)).toBe(allowance);
      expect(bulkAllowance(allowance, 0.25, true) + urgentReserve(allowance, 0.25)).toBe(allowance);
    }
    // At 15/s with a 25 % share, bulk keeps 11/s and urgent is guaranteed 4/s while active.
    const bulkPerSecond = windows(4, (w) => bulkAllowance(windowAllowance(w, 15), 0.25, true)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(bulkPerSecond).toBe(11);
  });
});
