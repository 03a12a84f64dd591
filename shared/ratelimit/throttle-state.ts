/**
 * The adaptive part of the shared Dialpad budget: the pause a 429 imposes on every worker and the
 * rate factor it lowers. Pure functions over the budget state and a clock reading.
 *
 * The factor is never written periodically: a 429 records (factor_at_throttle, recover_from,
 * ceiling_factor) and every reader derives the current factor from them and its own clock.
 *
 * Recovery remembers the rate that drew the last 429 (the ceiling): another integration spending a
 * steady share of the company's limit makes that rate the one to stay just under. So the factor
 * climbs fast (linear, `recoveryMs` for the whole range) up to `probeBand` below the ceiling, creeps
 * (`creepPerSecond`) through the band around it, and climbs fast again once `probeBand` above it:
 * a neighbour that stopped costs at most 2 × probeBand / creepPerSecond of slow climbing.
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
  /** The rate factor in force when the last burst of 429s began (1 = never throttled). */
  ceilingFactor: number;
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
  /** Away from the ceiling: the time to climb the whole range 0 → 1, counted from the pause's end. */
  recoveryMs: number;
  /** Half-width of the band around the ceiling climbed slowly. */
  probeBand: number;
  /** The climb per second inside that band. */
  creepPerSecond: number;
  /**
   * 429s within this long of the previous one, or before the pause ends, belong to the same burst:
   * they extend the pause only (requests sent before the pause was known come back 429 too).
   */
  burstMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  defaultPauseMs: 1000,
  maxPauseMs: 60_000,
  decrease: 0.5,
  floorFactor: 0.25,
  recoveryMs: 10_000,
  probeBand: 0.1,
  creepPerSecond: 0.005,
  burstMs: 1000,
};

export const UNTHROTTLED_STATE: ThrottleState = {
  pausedUntil: 0,
  factorAtThrottle: 1,
  recoverFrom: 0,
  throttledAt: 0,
  ceilingFactor: 1,
};

/**
 * The current rate factor in [floorFactor, 1]: held through the pause, then fast up to the band
 * below the ceiling, slow through the band, fast again above it.
 */
export function rateFactorAt(state: ThrottleState, nowMs: number, policy: ThrottlePolicy): number {
  const lowered = state.factorAtThrottle;
  if (lowered >= 1) return 1;
  if (nowMs <= state.recoverFrom) return lowered;
  const fastPerMs = 1 / policy.recoveryMs;
  const slowPerMs = policy.creepPerSecond / 1000;
  const knee = Math.min(1, Math.max(lowered, state.ceilingFactor - policy.probeBand));
  const top = Math.min(1, Math.max(knee, state.ceilingFactor + policy.probeBand));
  let elapsed = nowMs - state.recoverFrom;
  const toKnee = (knee - lowered) / fastPerMs;
  if (elapsed <= toKnee) return lowered + elapsed * fastPerMs;
  elapsed -= toKnee;
  const toTop = slowPerMs > 0 ? (top - knee) / slowPerMs : Number.POSITIVE_INFINITY;
  if (elapsed <= toTop) return knee + elapsed * slowPerMs;
  return Math.min(1, top + (elapsed - toTop) * fastPerMs);
}

/** The longest a factor takes to climb from the floor back to 1 after the pause (a bound for tests and docs). */
export function fullRecoveryMs(policy: ThrottlePolicy): number {
  return policy.recoveryMs + (2 * policy.probeBand * 1000) / policy.creepPerSecond;
}

/** The pause a 429 asks for: `Retry-After` when usable, else the default, clamped to the maximum. */
export function pauseFor(retryAfterMs: number | undefined, policy: ThrottlePolicy): number {
  const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0;
  return Math.min(asked ? retryAfterMs : policy.defaultPauseMs, policy.maxPauseMs);
}

/**
 * The state after a 429 seen at `nowMs`: the pause extended to max(existing, now + pause), recovery
 * restarting at the pause's end. A new burst lowers the factor multiplicatively and remembers the
 * factor it interrupted as the ceiling; a 429 inside the current pause or within `burstMs` of the
 * burst's start belongs to that burst and changes neither.
 */
export function throttledState<S extends ThrottleState>(
  state: S,
  nowMs: number,
  retryAfterMs: number | undefined,
  policy: ThrottlePolicy,
): S {
  const pausedUntil = Math.max(state.pausedUntil, nowMs + pauseFor(retryAfterMs, policy));
  const sameBurst =
    state.throttledAt > 0 && (nowMs < state.pausedUntil || nowMs - state.throttledAt < policy.burstMs);
  if (sameBurst) return { ...state, pausedUntil, recoverFrom: pausedUntil };
  const current = rateFactorAt(state, nowMs, policy);
  return {
    ...state,
    pausedUntil,
    factorAtThrottle: Math.max(policy.floorFactor, current * policy.decrease),
    ceilingFactor: current,
    recoverFrom: pausedUntil,
    throttledAt: nowMs,
  };
}
