/**
 * The one Dialpad rate budget every process shares (workers, sweeper, webhook processor), held in
 * the single DynamoDB table. `limiterFor(lane)` hands the Dialpad client a `RateLimiter`:
 *
 * - acquire: one conditional `ADD` on the current 250 ms window item (window-schedule.ts says how
 *   many it may grant); when the window is full, sleep until the next one starts (plus jitter).
 * - onThrottled (a 429 anywhere): pause everyone and lower the rate through the STATE item
 *   (throttle-state.ts); the rate recovers by itself, derived from the clock, with no periodic writes.
 * - Lanes: while urgent work is active, bulk work leaves each window's urgent reserve free.
 *
 * Cost: STATE is cached per process for ~250 ms, so an acquire is one DynamoDB write in the common
 * case. Within a process, acquirers of one lane queue and are served together: one `ADD n :k` takes
 * k slots for k waiting callers, so a busy process spends fewer writes than grants, and a full window
 * costs each process one refused write rather than one per waiting caller.
 *
 * Where "urgent active" lives, and why in two places: an urgent acquirer extends `urgent_until` on
 * STATE (at most once per second per process), which every bulk process sees on its next cache
 * refresh and then honours in every window for ~2 s. Until that refresh, the window items carry it:
 * an urgent grant marks its window, so bulk leaves the rest of that window's reserve alone. And an
 * urgent acquirer that finds a window full books the next window with room at once, instead of
 * sleeping until the full one has passed, so it waits at most about one window.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RateLimiter } from "../dialpad/api";
import { RateBudgetTable, type SlotRequest } from "./rate-budget-table";
import {
  DEFAULT_THROTTLE_POLICY,
  isUrgentActive,
  pauseFor,
  rateFactorAt,
  type ThrottlePolicy,
  type ThrottleState,
  throttledState,
} from "./throttle-state";
import {
  bulkAllowance,
  effectiveBudgetRps,
  WINDOW_MS,
  windowAllowance,
  windowIndexAt,
  windowStartMs,
} from "./window-schedule";

export type Lane = "urgent" | "bulk";

export interface SharedRateBudgetOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Requests per second for all our processes together (`DIALPAD_RATE_LIMIT_RPS`); at most 16 is used. */
  budgetRps: number;
  /** Share of each window bulk work leaves free while urgent work is active (`DIALPAD_URGENT_SHARE`). */
  urgentShare: number;
  /** Limiter name in the item keys (`RATE#<name>`). */
  name?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Metrics: called once per granted acquire with the time it spent waiting. */
  onWait?: (ms: number, lane: Lane) => void;
  /** Overrides of the 429 policy (pause, decrease, floor, recovery). */
  throttlePolicy?: Partial<ThrottlePolicy>;
  /** How long after its last acquire urgent work still counts as active. */
  urgentActiveMs?: number;
  /** How long a process trusts its copy of the STATE item. */
  stateCacheMs?: number;
}

export interface SharedRateBudget {
  limiterFor(lane: Lane): RateLimiter;
  /** The budget actually enforced (the configured one, capped by what 250 ms windows can hold). */
  readonly effectiveRps: number;
}

const DEFAULT_URGENT_ACTIVE_MS = 2000;
const DEFAULT_STATE_CACHE_MS = 250;
/**
 * A copy older than the cache time is refreshed in the background and still used meanwhile, up to
 * this many cache times; only an older (or missing) copy makes an acquire wait for the read.
 */
const STALE_COPY_FACTOR = 4;
/** An urgent acquirer refreshes `urgent_until` on STATE at most this often per process. */
const URGENT_MARK_EVERY_MS = 1000;
/** Bulk spreads its wake-ups so processes do not all hit a new window in the same millisecond. */
const BULK_JITTER_MS = 20;
/** Urgent wakes almost exactly at the window start, ahead of bulk. */
const URGENT_JITTER_MS = 3;
/** A grant must be usable inside its window: one confirmed later than this before the end is dropped. */
const LATE_GRANT_MARGIN_MS = 2;
const MAX_THROTTLE_WRITE_ATTEMPTS = 5;
/** Booking ahead stops here (2 s): slower writes than that mean DynamoDB is in trouble, not slow. */
const MAX_LOOKAHEAD_WINDOWS = 8;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSharedRateBudget(options: SharedRateBudgetOptions): SharedRateBudget {
  const table = new RateBudgetTable(options.doc, options.tableName, options.name ?? "dialpad");
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const policy: ThrottlePolicy = { ...DEFAULT_THROTTLE_POLICY, ...options.throttlePolicy };
  const urgentActiveMs = options.urgentActiveMs ?? DEFAULT_URGENT_ACTIVE_MS;
  const stateCacheMs = options.stateCacheMs ?? DEFAULT_STATE_CACHE_MS;
  const stateMaxStaleMs = STALE_COPY_FACTOR * stateCacheMs;
  const { budgetRps, urgentShare } = options;

  // --- the per-process copy of STATE -------------------------------------------------------------
  let cached: { state: ThrottleState; readAt: number } | undefined;
  let refreshing: Promise<ThrottleState> | undefined;

  function refreshState(): Promise<ThrottleState> {
    if (!refreshing) {
      // Trust the copy from when the read was issued: a pause written after that is covered by the
      // window items the throttler blocks (see onThrottled).
      const issuedAt = now();
      refreshing = table
        .readState()
        .then((state) => {
          cached = { state, readAt: issuedAt };
          return state;
        })
        .finally(() => {
          refreshing = undefined;
        });
    }
    return refreshing;
  }

  async function currentState(atMs: number): Promise<ThrottleState> {
    const age = cached ? atMs - cached.readAt : Number.POSITIVE_INFINITY;
    if (cached && age < stateCacheMs) return cached.state;
    const refreshed = refreshState();
    // Refresh ahead, off the acquire's path: a slow read must not make the write land past its window.
    if (cached && age < stateMaxStaleMs) {
      refreshed.catch(() => undefined); // a failed background read is retried by the next acquire
      return cached.state;
    }
    return refreshed;
  }

  function patchCachedState(patch: (state: ThrottleState) => ThrottleState): void {
    if (cached) cached = { ...cached, state: patch(cached.state) };
  }

  // --- urgent activity ---------------------------------------------------------------------------
  let lastUrgentMarkAt = Number.NEGATIVE_INFINITY;

  function markUrgentIfDue(state: ThrottleState, atMs: number): Promise<void> | undefined {
    const fresh = state.urgentUntil >= atMs + urgentActiveMs - URGENT_MARK_EVERY_MS;
    if (fresh || atMs - lastUrgentMarkAt < URGENT_MARK_EVERY_MS) return undefined;
    lastUrgentMarkAt = atMs;
    const until = atMs + urgentActiveMs;
    patchCachedState((s) => ({ ...s, urgentUntil: Math.max(s.urgentUntil, until) }));
    return table.markUrgentActive(until);
  }

  // --- acquiring slots ---------------------------------------------------------------------------
  const jitter = (lane: Lane) => random() * (lane === "urgent" ? URGENT_JITTER_MS : BULK_JITTER_MS);

  async function sleepUntil(epochMs: number): Promise<void> {
    const ms = epochMs - now();
    if (ms > 0) await sleep(ms);
  }

  // A slot confirmed after its window has ended is wasted. So a process learns its write latency
  // (a moving average) and, when a write would come back after the current window, books the window
  // it will land in instead: ahead of time, waiting for that window to start before using the slot.
  // With DynamoDB's usual few milliseconds that is the current window; under a brownout (or a loaded
  // DynamoDB Local) it keeps the budget usable instead of wasting slots on late confirmations.
  // Estimated like TCP's retransmission timer: smoothed latency plus its smoothed deviation,
  // so a jittery store books a little further ahead instead of losing slots to late confirmations.
  let smoothedWriteMs = 0;
  let writeDeviationMs = 0;
  let expectedWriteMs = 0;
  function recordWriteLatency(ms: number): void {
    writeDeviationMs = 0.75 * writeDeviationMs + 0.25 * Math.abs(ms - smoothedWriteMs);
    smoothedWriteMs = 0.875 * smoothedWriteMs + 0.125 * ms;
    expectedWriteMs = smoothedWriteMs + writeDeviationMs;
  }

  /** Per lane, the last window this process saw fill up. */
  const fullWindow: Record<Lane, number> = { urgent: -1, bulk: -1 };

  /**
   * A slot booked ahead was checked against STATE when booked; a 429 recorded since must still stop
   * it. Re-read STATE (fresh, not the cache) just before the window starts, and give the slot up if
   * a pause began meanwhile.
   */
  async function stillUnpausedAt(windowIndex: number): Promise<boolean> {
    await sleepUntil(windowStartMs(windowIndex) - expectedWriteMs);
    const issuedAt = now();
    const state = await table.readState();
    cached = { state, readAt: issuedAt };
    await sleepUntil(windowStartMs(windowIndex));
    return state.pausedUntil <= now();
  }

  /**
   * Books between 1 and `wanted` slots in one window (the current one, or the one a write started now
   * lands in), in one conditional write when the window has room (a second one when it has less
   * room than asked: the refusal says how much is left).
   */
  async function bookSlots(lane: Lane, wanted: number): Promise<{ count: number; windowIndex: number }> {
    /** What a refusal said was left in a window, so the retry asks for no more. */
    let roomLeft: { windowIndex: number; slots: number } | undefined;
    for (;;) {
      const atMs = now();
      const state = await currentState(atMs);
      if (state.pausedUntil > atMs) {
        await sleepUntil(state.pausedUntil + jitter(lane));
        continue;
      }
      const current = windowIndexAt(atMs);
      let target = Math.min(
        windowIndexAt(atMs + expectedWriteMs + LATE_GRANT_MARGIN_MS),
        current + MAX_LOOKAHEAD_WINDOWS,
      );
      // Urgent work does not wait for a full window to pass: it books the next one with room right
      // away (bulk processes may already have booked ahead into the next window or two).
      if (
        lane === "urgent" &&
        target <= fullWindow.urgent &&
        fullWindow.urgent < current + MAX_LOOKAHEAD_WINDOWS
      ) {
        target = fullWindow.urgent + 1;
      }
      if (target <= fullWindow[lane]) {
        // Wake so that the write lands as the next window opens.
        await sleepUntil(windowStartMs(fullWindow[lane] + 1) - expectedWriteMs + jitter(lane));
        continue;
      }
      const allowance = windowAllowance(target, budgetRps, rateFactorAt(state, atMs, policy));
      const request: SlotRequest = { windowIndex: target, nowMs: atMs, lane, allowance, count: 0 };
      let room = allowance;
      let mark: Promise<void> | undefined;
      if (lane === "urgent") {
        mark = markUrgentIfDue(state, atMs);
      } else {
        request.urgentKnownActive = isUrgentActive(state, atMs);
        request.bulkCap = bulkAllowance(allowance, urgentShare, true);
        if (request.urgentKnownActive) room = request.bulkCap;
      }
      if (roomLeft?.windowIndex === target) room = Math.min(room, roomLeft.slots);
      request.count = Math.min(wanted, room);
      if (request.count <= 0) {
        await mark;
        fullWindow[lane] = target;
        continue;
      }

      const [outcome] = await Promise.all([table.takeSlots(request), mark]);
      recordWriteLatency(now() - atMs);
      if (outcome.granted) {
        // Whoever takes a window's last slot knows it is full and spares itself the failed write.
        if (outcome.count >= allowance || (request.urgentKnownActive && outcome.bulkCount >= room)) {
          fullWindow[lane] = target;
        }
        if (now() < windowStartMs(target + 1) - LATE_GRANT_MARGIN_MS) {
          return { count: request.count, windowIndex: target };
        }
        // Confirmed too late to be used inside its window: the slots are spent, try again.
        continue;
      }
      if (outcome.reason === "paused") {
        // A 429 elsewhere blocked this window before our copy of STATE showed it.
        cached = undefined;
        await sleepUntil(outcome.pausedUntil + jitter(lane));
        continue;
      }
      if (lane === "bulk" && outcome.urgentClaimed && !request.urgentKnownActive) {
        const until = atMs + urgentActiveMs;
        patchCachedState((s) => ({ ...s, urgentUntil: Math.max(s.urgentUntil, until) }));
      }
      const bulkRoom =
        outcome.urgentClaimed || request.urgentKnownActive
          ? (request.bulkCap ?? 0) - outcome.bulkCount
          : allowance;
      const left = Math.min(allowance - outcome.count, lane === "bulk" ? bulkRoom : allowance);
      if (left > 0 && left < request.count) {
        roomLeft = { windowIndex: target, slots: left }; // less room than asked: ask for what is left
        continue;
      }
      fullWindow[lane] = target;
    }
  }

  // --- 429s --------------------------------------------------------------------------------------
  async function blockWindows(fromMs: number, toMs: number, pausedUntil: number): Promise<void> {
    const blocks: Promise<void>[] = [];
    const last = windowIndexAt(Math.min(toMs, pausedUntil - 1));
    for (let w = windowIndexAt(fromMs); w <= last; w++) blocks.push(table.pauseWindow(w, pausedUntil));
    await Promise.all(blocks);
  }

  async function onThrottled(retryAfterMs: number | undefined): Promise<void> {
    const startedAt = now();
    // Processes whose STATE copy predates this write keep using it for up to `stateMaxStaleMs`: block
    // the windows they could still write to, directly on the window items (in parallel with STATE).
    const pausedUntil = startedAt + pauseFor(retryAfterMs, policy);
    const coveredUntil = startedAt + stateMaxStaleMs + WINDOW_MS;
    const blocking = blockWindows(startedAt, coveredUntil, pausedUntil);

    let state = cached?.state ?? (await table.readState());
    for (let attempt = 0; attempt < MAX_THROTTLE_WRITE_ATTEMPTS; attempt++) {
      const next = throttledState(state, now(), retryAfterMs, policy);
      if (await table.writeThrottle(next, state.version)) {
        cached = { state: next, readAt: now() };
        break;
      }
      // Another process recorded a 429 meanwhile (or our copy was stale): merge with what is stored.
      state = await table.readState();
    }
    // Running out of attempts means other workers keep recording this same burst: their pause stands.
    await blocking;
    const finishedAt = now();
    if (finishedAt + stateMaxStaleMs > coveredUntil) {
      await blockWindows(coveredUntil, finishedAt + stateMaxStaleMs, pausedUntil);
    }
  }

  // --- lanes -------------------------------------------------------------------------------------
  function createLimiter(lane: Lane): RateLimiter {
    // Callers of one lane in this process queue here; one pump serves them, taking as many slots per
    // write as callers are waiting, so a process never races itself for a window.
    type Caller = { askedAt: number; resolve: () => void; reject: (error: unknown) => void };
    const waiting: Caller[] = [];
    let pumping = false;

    async function pump(): Promise<void> {
      pumping = true;
      try {
        while (waiting.length > 0) {
          const booking = await bookSlots(lane, waiting.length);
          // Released on its own timer, so the pump books the next window while this one waits.
          void release(waiting.splice(0, booking.count), booking.windowIndex);
        }
      } catch (error) {
        // DynamoDB failed: every queued caller would hit the same failure; let them all see it.
        for (const caller of waiting.splice(0)) caller.reject(error);
      } finally {
        pumping = false;
      }
    }

    /** Lets a batch go when its window opens, or queues it again if a pause began or it is too late. */
    async function release(batch: Caller[], windowIndex: number): Promise<void> {
      try {
        const usable =
          (now() >= windowStartMs(windowIndex) || (await stillUnpausedAt(windowIndex))) &&
          now() < windowStartMs(windowIndex + 1) - LATE_GRANT_MARGIN_MS;
        if (!usable) {
          waiting.unshift(...batch);
          if (!pumping) void pump();
          return;
        }
        const grantedAt = now();
        for (const caller of batch) {
          options.onWait?.(grantedAt - caller.askedAt, lane);
          caller.resolve();
        }
      } catch (error) {
        for (const caller of batch) caller.reject(error);
      }
    }

    return {
      acquire() {
        return new Promise<void>((resolve, reject) => {
          waiting.push({ askedAt: now(), resolve, reject });
          if (!pumping) void pump();
        });
      },
      onThrottled,
    };
  }

  const limiters: Record<Lane, RateLimiter> = {
    urgent: createLimiter("urgent"),
    bulk: createLimiter("bulk"),
  };
  return {
    limiterFor: (lane) => limiters[lane],
    effectiveRps: effectiveBudgetRps(budgetRps),
  };
}
