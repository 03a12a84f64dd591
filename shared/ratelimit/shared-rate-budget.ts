/**
 * The one Dialpad rate budget every process shares (workers, sweeper, webhook processor), held in
 * one item of the single table. `limiterFor(lane)` hands the Dialpad client a `RateLimiter`.
 *
 * Three parts: the slot planner (slot-planner.ts: pure, decides which send times a caller gets),
 * the store (budget-table.ts: one conditional write per reservation), and this pump. Callers queue
 * per lane in the process; one pump reserves slots for as many of them as the planner allows (urgent
 * callers first), then releases each caller at its slot. The process keeps the last state it saw
 * (from its writes' answers, refused ones included), so a reservation is one write in the common case.
 * When several processes have callers waiting, the ones that lost a race for a slot wake a quarter
 * slot behind the winner and read before writing, so the budget costs about one write per slot
 * however many processes share it (see `contended`); and a process holding an old state while others
 * write reads it afresh before planning (see `staleWhileOthersWrite`).
 *
 * A caller released late (a stalled event loop) by more than half a slot does not send in its slot
 * (the budget's 1-second guarantee holds for slots used on time, and Dialpad's limit leaves one
 * request of slack for that margin and the network's jitter: slot-planner.ts). It is not sent to the
 * back of the line either: it goes first on the process's next reservation and, when that slot is
 * within a second of the one it missed, it is let go as soon as the reservation is confirmed rather
 * than at the slot (see `mayGoEarly`).
 *
 * A 429: the pause and the lowered rate are written to the same item, so every process's next write
 * is refused until it has seen them. Slots reserved before that (bulk holds at most a write latency
 * and half a slot ahead, urgent two slots more) still go out unless this process knows.
 */
import type { RateLimiter } from "../dialpad/api";
import type { Lane } from "../lifecycle/ports";
import {
  type BudgetState,
  lateMarginMs,
  type PlannerSettings,
  planReservation,
  recordThrottle,
  slotSpacingMs,
} from "./slot-planner";
import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from "./throttle-state";

export type ReplaceOutcome = { written: true } | { written: false; current: BudgetState };

/** Where the shared state lives: a read, and a write conditional on the state it was planned from. */
export interface BudgetStore {
  read(): Promise<BudgetState>;
  /** Stores `next` if the stored state is still `expected` (same revision); else answers the stored one. */
  replace(expected: BudgetState, next: BudgetState): Promise<ReplaceOutcome>;
}

export interface SharedRateBudgetOptions {
  store: BudgetStore;
  /** Requests per second for all our processes together (`DIALPAD_RATE_LIMIT_RPS`, at most 19). */
  budgetRps: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Metrics: called once per granted acquire with the time it spent waiting. */
  onWait?: (ms: number, lane: Lane) => void;
  /** Called when a caller released too late gives its slot up (a stalled event loop). */
  onSlotMissed?: (lateMs: number, lane: Lane) => void;
  /** Called when a caller that missed its slot is let go on its next reservation, `earlyMs` before that slot. */
  onSlotReclaimed?: (earlyMs: number, lane: Lane) => void;
  /** Overrides of the 429 policy (pause, decrease, floor, recovery). */
  throttlePolicy?: Partial<ThrottlePolicy>;
}

export interface SharedRateBudget {
  limiterFor(lane: Lane): RateLimiter;
  /** The budget enforced, requests per second. */
  readonly effectiveRps: number;
}

/** A store write is assumed to take this long until the process has timed a few. */
const INITIAL_WRITE_MS = 10;
const MAX_THROTTLE_WRITE_ATTEMPTS = 5;
/** How long after a refused write this process assumes other processes are still writing. */
const OTHERS_ACTIVE_MS = 10_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Caller = {
  askedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** The slot this caller was given and missed (released too late), if it did. */
  missedSlotAt?: number;
};

/**
 * A caller that missed slot `missed` may send as soon as slot `slot` is reserved for it, before
 * `slot` comes, when `slot` is at most this far after `missed`: every span of a second that holds
 * the early send then also holds either `missed` (unused) or `slot` (unused at its time), so it
 * holds no more requests than the slots allow. Beyond a second, a span could hold neither.
 */
export const RECLAIM_WITHIN_MS = 1000;

/** Whether a caller that missed `missedSlotAt` may be let go now, at `nowMs`, for its new slot `slotAt`. */
export function mayGoEarly(missedSlotAt: number | undefined, slotAt: number, nowMs: number): boolean {
  return missedSlotAt !== undefined && slotAt - missedSlotAt <= RECLAIM_WITHIN_MS && nowMs > missedSlotAt;
}

export function createSharedRateBudget(options: SharedRateBudgetOptions): SharedRateBudget {
  const { store } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const settings: PlannerSettings = {
    budgetRps: options.budgetRps,
    policy: { ...DEFAULT_THROTTLE_POLICY, ...options.throttlePolicy },
  };

  /** The last state this process saw stored. */
  let known: BudgetState | undefined;
  /** When `known` was last heard from the store, and when a refused write last showed another process writing. */
  let knownAt = Number.NEGATIVE_INFINITY;
  let othersWroteAt = Number.NEGATIVE_INFINITY;
  const readState = async () => {
    known = await store.read();
    knownAt = now();
    return known;
  };
  const knownState = async () => known ?? (await readState());

  // The lead a reservation plans with: the store's write latency as this process measures it,
  // smoothed with its deviation (like TCP's retransmission timer), so the answer beats the slot.
  let smoothedWriteMs = INITIAL_WRITE_MS;
  let writeDeviationMs = INITIAL_WRITE_MS / 2;
  const leadMs = () => Math.ceil(smoothedWriteMs + 2 * writeDeviationMs);
  function timedWrite(expected: BudgetState, next: BudgetState): Promise<ReplaceOutcome> {
    const startedAt = now();
    return store.replace(expected, next).then((outcome) => {
      const ms = now() - startedAt;
      writeDeviationMs = 0.75 * writeDeviationMs + 0.25 * Math.abs(ms - smoothedWriteMs);
      smoothedWriteMs = 0.875 * smoothedWriteMs + 0.125 * ms;
      known = outcome.written ? next : outcome.current;
      knownAt = now();
      if (!outcome.written) othersWroteAt = knownAt;
      return outcome;
    });
  }

  // --- the pump ------------------------------------------------------------------------------------
  const waiting: Record<Lane, Caller[]> = { urgent: [], bulk: [] };
  let pumping = false;
  /**
   * Set by a refused write, cleared by a successful one. Pumps with callers waiting all wake for the
   * same next slot; one write wins and, without this, every other pump's write is refused at every
   * slot (N writes per slot for N busy processes). A contended bulk pump instead wakes a quarter slot
   * later and reads the state first: while the winner keeps booking, it only reads; when the winner
   * has no callers left, it finds the slot free and books it, still within its half-slot margin.
   */
  let contended = false;
  let lookFirst = false;
  const contendedDelayMs = (state: BudgetState, atMs: number) =>
    Math.ceil(slotSpacingMs(settings, state, atMs) / 4);
  /**
   * The state this process holds is two slots old or more, and another process wrote in the last
   * `OTHERS_ACTIVE_MS`: it has most likely moved on. (A busy process's own state is under a slot old.)
   */
  const staleWhileOthersWrite = () => {
    const at = now();
    if (known === undefined || at - othersWroteAt >= OTHERS_ACTIVE_MS) return false;
    return at - knownAt >= 2 * slotSpacingMs(settings, known, at);
  };
  /** Ends the pump's wait for a bulk slot early when an urgent caller arrives. */
  let interruptWait: (() => void) | undefined;

  function waitUntil(epochMs: number, interruptible: boolean): Promise<void> {
    const ms = epochMs - now();
    if (ms <= 0) return Promise.resolve();
    if (!interruptible) return sleep(ms);
    return new Promise<void>((resolve) => {
      interruptWait = resolve;
      void sleep(ms).then(resolve);
    }).finally(() => {
      interruptWait = undefined;
    });
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (;;) {
        const lane: Lane | undefined =
          waiting.urgent.length > 0 ? "urgent" : waiting.bulk.length > 0 ? "bulk" : undefined;
        if (!lane) return;
        // Waking behind the others after a lost race, or holding an old state while others write:
        // look before writing, so a state that moved on costs a read, not a refused write.
        if (lookFirst || staleWhileOthersWrite()) await readState();
        lookFirst = false;
        const state = await knownState();
        const plan = planReservation(settings, state, {
          lane,
          wanted: waiting[lane].length,
          nowMs: now(),
          leadMs: leadMs(),
        });
        if (plan.kind === "wait") {
          const behind = contended && lane === "bulk";
          await waitUntil(
            plan.untilMs + (behind ? contendedDelayMs(state, plan.untilMs) : 0),
            lane === "bulk",
          );
          lookFirst = behind;
          continue;
        }
        const outcome = await timedWrite(state, plan.next);
        contended = !outcome.written;
        if (!outcome.written) continue; // another process wrote first: plan again from what it stored
        const batch = waiting[lane].splice(0, plan.slots.length);
        batch.forEach((caller, i) => {
          void release(caller, lane, plan.slots[i] ?? 0);
        });
      }
    } catch (error) {
      // The store failed: every queued caller would hit the same failure; let them all see it.
      for (const caller of [...waiting.urgent.splice(0), ...waiting.bulk.splice(0)]) caller.reject(error);
    } finally {
      pumping = false;
    }
  }

  function enqueue(lane: Lane, caller: Caller, first = false): void {
    if (first) waiting[lane].unshift(caller);
    else waiting[lane].push(caller);
    if (lane === "urgent") interruptWait?.();
    if (!pumping) void pump();
  }

  /**
   * Lets a caller go at its slot; one that missed its previous slot, as soon as its reservation is
   * confirmed (`mayGoEarly`). A slot missed is reclaimed this way: the caller goes first on the next
   * reservation and does not wait for that slot's time. A slot now inside a pause this process knows
   * of queues the caller again.
   */
  async function release(caller: Caller, lane: Lane, slotAt: number): Promise<void> {
    const pausedNow = () => (known?.pausedUntil ?? 0) > now();
    const early = mayGoEarly(caller.missedSlotAt, slotAt, now()) && !pausedNow();
    // Timers may fire a millisecond early by the wall clock: wait again until the slot has come.
    if (!early) while (now() < slotAt) await sleep(slotAt - now());
    const at = now();
    const state = known ?? (await knownState());
    const late = at > slotAt + lateMarginMs(settings, state, slotAt);
    if (late) {
      options.onSlotMissed?.(at - slotAt, lane);
      caller.missedSlotAt = slotAt;
      enqueue(lane, caller, true);
      return;
    }
    if (state.pausedUntil > at) {
      // Inside a pause: plan again from its end, as a caller that missed nothing.
      caller.missedSlotAt = undefined;
      enqueue(lane, caller, true);
      return;
    }
    if (at < slotAt) options.onSlotReclaimed?.(slotAt - at, lane);
    options.onWait?.(at - caller.askedAt, lane);
    caller.resolve();
  }

  // --- 429s ----------------------------------------------------------------------------------------
  async function onThrottled(retryAfterMs: number | undefined): Promise<void> {
    for (let attempt = 0; attempt < MAX_THROTTLE_WRITE_ATTEMPTS; attempt++) {
      const state = await knownState();
      const outcome = await timedWrite(state, recordThrottle(settings, state, now(), retryAfterMs));
      if (outcome.written) return;
      // Another process wrote meanwhile (perhaps this same burst): merge with what it stored.
    }
    // Out of attempts: other processes keep writing, and their pause (if any) stands.
  }

  const limiterFor = (lane: Lane): RateLimiter => ({
    acquire: () =>
      new Promise<void>((resolve, reject) => {
        enqueue(lane, { askedAt: now(), resolve, reject });
      }),
    onThrottled,
  });
  const limiters: Record<Lane, RateLimiter> = { urgent: limiterFor("urgent"), bulk: limiterFor("bulk") };
  return { limiterFor: (lane) => limiters[lane], effectiveRps: options.budgetRps };
}
