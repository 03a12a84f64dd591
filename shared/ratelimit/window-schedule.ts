/**
 * The arithmetic of the shared Dialpad budget: how many requests each short fixed window may grant,
 * and how much of a window bulk work must leave to urgent work. Pure functions, no I/O, no clock.
 *
 * Why these numbers: Dialpad counts 20 requests in any 1-second span for the whole company. A span of
 * 1 s can touch five 250 ms windows (a tail of one, three whole ones, the head of a fifth), so a
 * window may never grant more than floor(20 / 5) = 4: then ANY five windows sum to ≤ 20, even when
 * processes disagree about the current rate factor (each one's cache is a little stale after a 429).
 * That caps what 250 ms windows can sustain at 4 × 4 = 16 requests/s; a larger budget is clamped to
 * 16 (`effectiveBudgetRps`). Within that cap the budget is spread over the windows by cumulative
 * rounding, e.g. 15/s → 3,4,4,4 by window index: every 4 consecutive windows grant exactly 15 and the
 * worst 5-window span is 19.
 */

/** Dialpad's company-wide limit: requests in any 1-second span, every key and integration together. */
export const COMPANY_LIMIT_RPS = 20;
export const WINDOW_MS = 250;
/** Windows a 1-second sliding span can touch: 1000 / 250 whole ones plus one partial at either end. */
export const WINDOWS_PER_SPAN = 1000 / WINDOW_MS + 1;
/** The most any window grants, whatever the budget or factor: keeps every 5-window span ≤ 20. */
export const MAX_PER_WINDOW = Math.floor(COMPANY_LIMIT_RPS / WINDOWS_PER_SPAN);
/** The largest budget 250 ms windows can hold without breaking the 1-second limit. */
export const MAX_BUDGET_RPS = (MAX_PER_WINDOW * 1000) / WINDOW_MS;
/**
 * The per-window rate is kept in 1/64ths of a request so the cumulative rounding is exact integer
 * arithmetic on `windowIndex mod 64` (epoch window indexes are ~7e9; multiplying those by a
 * fractional rate would lose the fraction to floating point).
 */
const RATE_RESOLUTION = 64;

export function effectiveBudgetRps(budgetRps: number): number {
  return Math.min(budgetRps, MAX_BUDGET_RPS);
}

export function windowIndexAt(epochMs: number): number {
  return Math.floor(epochMs / WINDOW_MS);
}

export function windowStartMs(windowIndex: number): number {
  return windowIndex * WINDOW_MS;
}

/** Requests per window in 1/64ths at `factor` (the adaptive slow-down in (0, 1]). */
function ratePerWindow(budgetRps: number, factor: number): number {
  const perWindow = (effectiveBudgetRps(budgetRps) * Math.min(1, Math.max(0, factor)) * WINDOW_MS) / 1000;
  // The epsilon keeps 3.75 * 64 = 240 from landing on 239.99999… after the multiplications.
  return Math.floor(perWindow * RATE_RESOLUTION + 1e-9);
}

/**
 * How many requests window `windowIndex` may grant at rate `factor` × budget. Cumulative rounding:
 * the windows of any 64-window cycle sum to exactly the rate, and each is within one of the mean.
 */
export function windowAllowance(windowIndex: number, budgetRps: number, factor = 1): number {
  const rate = ratePerWindow(budgetRps, factor);
  const position = ((windowIndex % RATE_RESOLUTION) + RATE_RESOLUTION) % RATE_RESOLUTION;
  const granted =
    Math.floor((rate * (position + 1)) / RATE_RESOLUTION) - Math.floor((rate * position) / RATE_RESOLUTION);
  return Math.min(granted, MAX_PER_WINDOW);
}

/**
 * The part of a window's allowance bulk work may not take while urgent work is active: `urgentShare`
 * of it, rounded, and at least one request whenever the window grants anything (so a trickle of
 * offboarding steps never queues behind a backlog of onboarding). A share of 0 disables the reserve.
 */
export function urgentReserve(allowance: number, urgentShare: number): number {
  if (allowance <= 0 || urgentShare <= 0) return 0;
  return Math.min(allowance, Math.max(1, Math.round(allowance * urgentShare)));
}

/** What bulk work may take from a window: all of it, or all but the urgent reserve while urgent work is active. */
export function bulkAllowance(allowance: number, urgentShare: number, urgentActive: boolean): number {
  return urgentActive ? allowance - urgentReserve(allowance, urgentShare) : allowance;
}
