/**
 * The adaptive part of the shared Dialpad budget: the pause a 429 imposes on every worker and the
 * rate factor it lowers. Pure functions over the budget state and a clock reading.
 *
 * The factor is never written periodically: a 429 records (factor_at_throttle, recover_from) and
 * every reader derives the current factor from them and its own clock, recovering linearly to 1.
 */

export interface ThrottleState {
  /** Epoch ms before which nobody may call Dialpad (0 = never paused). */
  pausedUntil: number;
  /** The rate factor set by the last 429 (1 = never throttled). */
  factorAtThrottle: number;
  /** Epoch ms the factor starts recovering from: the end of the pause that came with it. */
  recoverFrom: number;
  /** Epoch ms of the last recorded 429, to count a burst of simultaneous 429s once. */
  throttledAt: number;
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
export function throttledState<S extends ThrottleState>(
  state: S,
  nowMs: number,
  retryAfterMs: number | undefined,
  policy: ThrottlePolicy,
): S {
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
  };
}
