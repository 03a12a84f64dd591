/**
 * The shared adaptive state of the Dialpad budget (the `RATE#<name>` / `STATE` item): the pause a
 * 429 imposes on every worker, the rate factor it lowers, and whether urgent work is active. Pure
 * functions over that state and a clock reading; the DynamoDB adapter stores and fetches it.
 *
 * The factor is never written periodically: a 429 records (factor_at_throttle, recover_from) and
 * every reader derives the current factor from them and its own clock, recovering linearly to 1.
 */
import { z } from "zod";

export interface ThrottleState {
  /** Epoch ms before which nobody may call Dialpad (0 = never paused). */
  pausedUntil: number;
  /** The rate factor set by the last 429 (1 = never throttled). */
  factorAtThrottle: number;
  /** Epoch ms the factor starts recovering from: the end of the pause that came with it. */
  recoverFrom: number;
  /** Epoch ms of the last recorded 429, to count a burst of simultaneous 429s once. */
  throttledAt: number;
  /** Epoch ms until which urgent work counts as active (bulk leaves the urgent reserve free). */
  urgentUntil: number;
  /** Optimistic-lock counter of throttle writes (urgent marks do not bump it). */
  version: number;
}

export interface ThrottlePolicy {
  /** Pause when a 429 carries no usable `Retry-After`. */
  defaultPauseMs: number;
  /** A longer `Retry-After` is clamped: a misread date must not stall every worker for hours. */
  maxPauseMs: number;
  /** Multiplier applied to the factor by each distinct 429 burst. */
  decrease: number;
  /** The factor never drops below this. */
  floorFactor: number;
  /** Time to recover linearly from the lowered factor back to 1, counted from the pause's end. */
  recoveryMs: number;
  /** 429s within this long of the previous one belong to the same burst: they extend the pause only. */
  burstMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  defaultPauseMs: 1000,
  maxPauseMs: 60_000,
  decrease: 0.5,
  floorFactor: 0.25,
  recoveryMs: 10_000,
  burstMs: 1000,
};

export const UNTHROTTLED_STATE: ThrottleState = {
  pausedUntil: 0,
  factorAtThrottle: 1,
  recoverFrom: 0,
  throttledAt: 0,
  urgentUntil: 0,
  version: 0,
};

/** The current rate factor in [floorFactor, 1]: held through the pause, then linear back to 1. */
export function rateFactorAt(state: ThrottleState, nowMs: number, policy: ThrottlePolicy): number {
  const lowered = state.factorAtThrottle;
  if (lowered >= 1) return 1;
  if (nowMs <= state.recoverFrom) return lowered;
  const recovered = lowered + ((1 - lowered) * (nowMs - state.recoverFrom)) / policy.recoveryMs;
  return Math.min(1, recovered);
}

/** The pause a 429 asks for: `Retry-After` when usable, else the default, clamped to the maximum. */
export function pauseFor(retryAfterMs: number | undefined, policy: ThrottlePolicy): number {
  const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0;
  return Math.min(asked ? retryAfterMs : policy.defaultPauseMs, policy.maxPauseMs);
}

/**
 * The state after a 429 seen at `nowMs`: the pause extended to max(existing, now + pause), the
 * factor lowered multiplicatively (once per burst), recovery restarting at the pause's end.
 */
export function throttledState(
  state: ThrottleState,
  nowMs: number,
  retryAfterMs: number | undefined,
  policy: ThrottlePolicy,
): ThrottleState {
  const pausedUntil = Math.max(state.pausedUntil, nowMs + pauseFor(retryAfterMs, policy));
  const sameBurst = state.throttledAt > 0 && nowMs - state.throttledAt < policy.burstMs;
  const current = rateFactorAt(state, nowMs, policy);
  const factorAtThrottle = sameBurst ? current : Math.max(policy.floorFactor, current * policy.decrease);
  return {
    ...state,
    pausedUntil,
    factorAtThrottle,
    recoverFrom: pausedUntil,
    throttledAt: sameBurst ? state.throttledAt : nowMs,
    version: state.version + 1,
  };
}

export function isUrgentActive(state: ThrottleState, nowMs: number): boolean {
  return state.urgentUntil > nowMs;
}

const stateItem = z.looseObject({
  paused_until: z.number().optional(),
  factor_at_throttle: z.number().optional(),
  recover_from: z.number().optional(),
  throttled_at: z.number().optional(),
  urgent_until: z.number().optional(),
  version: z.number().optional(),
});

/** Reads the STATE item (absent, or created by an urgent mark alone, means "never throttled"). */
export function stateFromItem(item: Record<string, unknown> | undefined): ThrottleState {
  if (!item) return UNTHROTTLED_STATE;
  const parsed = stateItem.parse(item);
  return {
    pausedUntil: parsed.paused_until ?? 0,
    factorAtThrottle: parsed.factor_at_throttle ?? 1,
    recoverFrom: parsed.recover_from ?? 0,
    throttledAt: parsed.throttled_at ?? 0,
    urgentUntil: parsed.urgent_until ?? 0,
    version: parsed.version ?? 0,
  };
}
