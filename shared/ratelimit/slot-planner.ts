/**
 * The shared Dialpad budget as slot reservation (GCRA): one timeline of send times for every
 * process. The shared state says when the next free slot is; a reservation takes k slots from there,
 * spaced ≥ 1000 / budget ms apart, and moves the next free slot past them. Because every slot ever
 * granted is at least one spacing after the one before it, no sliding second holds more than the
 * budget, however many processes reserve and whatever their clocks say.
 *
 * Pure functions: state, a clock reading and a lane in; the slots and the next state out. The
 * DynamoDB adapter (budget-table.ts) stores the state with one conditional write per reservation;
 * the pump (shared-rate-budget.ts) queues callers and releases them at their slots.
 *
 * Lanes: bulk work only reserves slots that start soon (within a write latency and half a slot, or
 * two write latencies when writes are slower than a slot), so the timeline never runs far ahead of
 * the clock on its account; urgent work reserves from wherever the timeline is, at once. So while
 * bulk work saturates the budget, urgent work's first slot is at most 2 × lead + 1.5 slots away, and
 * lead + 1.5 slots while writes are faster than a slot: about one slot plus the write.
 */
import type { Lane } from "../lifecycle/ports";
import {
  rateFactorAt,
  type ThrottlePolicy,
  type ThrottleState,
  throttledState,
  UNTHROTTLED_STATE,
} from "./throttle-state";

/** Dialpad's company-wide limit: requests in any 1-second span, every key and integration together. */
export const COMPANY_LIMIT_RPS = 20;
/**
 * The largest budget: one below the company limit. Slots are exactly spaced when granted, but a
 * request reaches Dialpad a little later than its slot, by a delay that varies (a timer firing late,
 * the network): at 20/s two requests one slot apart can arrive 21 in a second; at 19/s a spread of up
 * to one slot (~52 ms) still arrives ≤ 20.
 */
export const MAX_BUDGET_RPS = COMPANY_LIMIT_RPS - 1;

export interface BudgetState extends ThrottleState {
  /** Epoch ms of the earliest send time not yet reserved (the last slot + its spacing; 0 = none yet). */
  nextSlotAt: number;
  /** Bumped by every change: a write is conditional on the revision it was planned from. */
  revision: number;
}

export const INITIAL_BUDGET_STATE: BudgetState = { ...UNTHROTTLED_STATE, nextSlotAt: 0, revision: 0 };

export interface PlannerSettings {
  /** Requests per second for all our processes together, 0 < budget ≤ 19. */
  budgetRps: number;
  policy: ThrottlePolicy;
}

export interface ReservationRequest {
  lane: Lane;
  /** Callers waiting in this process's lane: the most slots worth taking. */
  wanted: number;
  nowMs: number;
  /**
   * How long the reserving write is expected to take: the first slot is at least this far ahead,
   * so the confirmation comes back before it.
   */
  leadMs: number;
}

export type ReservationPlan =
  | { kind: "reserve"; slots: number[]; next: BudgetState }
  | { kind: "wait"; untilMs: number };

/**
 * Whole milliseconds between two slots at the current rate (budget × the throttle factor), rounded
 * up so slot times stay exact integers: 19/s → 53 ms, i.e. 18.9 requests/s.
 */
export function slotSpacingMs(settings: PlannerSettings, state: ThrottleState, nowMs: number): number {
  const rps = settings.budgetRps * rateFactorAt(state, nowMs, settings.policy);
  // The epsilon keeps 1000 / 20 from rounding up past 50 after a float multiplication.
  return Math.max(1, Math.ceil(1000 / rps - 1e-9));
}

/** How far past the write's expected return a lane may hold slots. */
function aheadMs(lane: Lane, leadMs: number, spacingMs: number): number {
  // Bulk: half a slot, plus what a write slower than a slot needs to book enough slots per write to
  // keep up, and no more. Urgent: past anything bulk may hold, so it never waits behind bulk.
  return lane === "bulk" ? Math.max(0, leadMs - spacingMs) + spacingMs / 2 : leadMs + 2 * spacingMs;
}

/**
 * How late a caller may still use its slot: half a slot. At 19/s (53 ms slots) 21 requests span
 * 1,060 ms, so half a slot of lateness leaves 34 ms for the network before Dialpad's 20 is at risk.
 */
export function lateMarginMs(settings: PlannerSettings, state: ThrottleState, nowMs: number): number {
  return slotSpacingMs(settings, state, nowMs) / 2;
}

/** The slots a caller of `lane` may reserve now, or when to ask again. */
export function planReservation(
  settings: PlannerSettings,
  state: BudgetState,
  request: ReservationRequest,
): ReservationPlan {
  const { nowMs, lane } = request;
  const leadMs = Math.max(0, request.leadMs);
  const spacing = slotSpacingMs(settings, state, nowMs);
  const ahead = aheadMs(lane, leadMs, spacing);
  const earliest = Math.max(state.nextSlotAt, state.pausedUntil, nowMs + leadMs);
  const horizon = nowMs + leadMs + ahead;
  // Ask again when the first free slot comes within the horizon (at most a lead + ahead before it).
  if (earliest > horizon) return { kind: "wait", untilMs: earliest - leadMs - ahead };
  const fit = Math.floor((horizon - earliest) / spacing) + 1;
  const count = Math.max(1, Math.min(Math.floor(request.wanted), fit));
  const slots = Array.from({ length: count }, (_, i) => earliest + i * spacing);
  const last = slots[count - 1] ?? earliest;
  return {
    kind: "reserve",
    slots,
    next: { ...state, nextSlotAt: last + spacing, revision: state.revision + 1 },
  };
}

/** The state after a 429 seen at `nowMs`: everyone pauses and the rate is lowered (throttle-state.ts). */
export function recordThrottle(
  settings: PlannerSettings,
  state: BudgetState,
  nowMs: number,
  retryAfterMs: number | undefined,
): BudgetState {
  return { ...throttledState(state, nowMs, retryAfterMs, settings.policy), revision: state.revision + 1 };
}
