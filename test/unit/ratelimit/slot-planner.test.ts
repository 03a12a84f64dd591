/**
 * The slot planner's properties, over random budgets (1..19), arrivals, write latencies, clock skews
 * between processes and stale copies of the shared state. A simulated shared item stands in for
 * DynamoDB: a write succeeds only if it was planned from the stored revision, as the adapter's
 * conditional write does; a refused write hands the process the stored state, as DynamoDB's does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../local/sandbox/seeded-random";
import type { Lane } from "../../../shared/lifecycle/ports";
import {
  type BudgetState,
  INITIAL_BUDGET_STATE,
  MAX_BUDGET_RPS,
  type PlannerSettings,
  planReservation,
  recordThrottle,
  slotSpacingMs,
} from "../../../shared/ratelimit/slot-planner";
import { DEFAULT_THROTTLE_POLICY, fullRecoveryMs } from "../../../shared/ratelimit/throttle-state";

const EPOCH = 1_764_000_000_000;
const settingsFor = (budgetRps: number): PlannerSettings => ({ budgetRps, policy: DEFAULT_THROTTLE_POLICY });
const budgets = fc.integer({ min: 1, max: MAX_BUDGET_RPS });

/** The most slots inside any half-open second [t, t + 1000). */
function peakInAnySecond(slots: readonly number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let peak = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while ((sorted[head] ?? 0) - (sorted[tail] ?? 0) >= 1000) tail++;
    peak = Math.max(peak, head - tail + 1);
  }
  return peak;
}

/** The shared item and the processes' copies of it; `write` is the conditional write. */
function sharedItem(processes: number) {
  let stored: BudgetState = INITIAL_BUDGET_STATE;
  const copies: BudgetState[] = Array.from({ length: processes }, () => INITIAL_BUDGET_STATE);
  return {
    copies,
    get stored() {
      return stored;
    },
    /** Writes `next` if process `p` planned from the stored revision; else refreshes its copy. */
    write(p: number, next: BudgetState): boolean {
      if (copies[p]?.revision !== stored.revision) {
        copies[p] = stored;
        return false;
      }
      stored = next;
      copies[p] = next;
      return true;
    },
  };
}

const event = fc.record({
  process: fc.nat({ max: 3 }),
  lane: fc.constantFrom<Lane>("urgent", "bulk"),
  wanted: fc.integer({ min: 1, max: 30 }),
  advanceMs: fc.integer({ min: 0, max: 400 }),
  leadMs: fc.integer({ min: 0, max: 120 }),
  throttle: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 12 }),
});

describe("slot planner: safety", () => {
  it("never grants more than the budget in any sliding second, whatever the arrivals, processes and clocks", () => {
    fc.assert(
      fc.property(
        budgets,
        fc.array(fc.integer({ min: -200, max: 200 }), { minLength: 4, maxLength: 4 }),
        fc.array(event, { minLength: 1, maxLength: 300 }),
        (budget, skews, events) => {
          const settings = settingsFor(budget);
          const item = sharedItem(4);
          const granted: number[] = [];
          let now = EPOCH;
          for (const e of events) {
            now += e.advanceMs;
            const local = now + (skews[e.process] ?? 0); // each process reads its own clock
            const copy = item.copies[e.process] ?? INITIAL_BUDGET_STATE;
            if (e.throttle !== null) {
              item.write(e.process, recordThrottle(settings, copy, local, e.throttle || undefined));
              continue;
            }
            const plan = planReservation(settings, copy, {
              lane: e.lane,
              wanted: e.wanted,
              nowMs: local,
              leadMs: e.leadMs,
            });
            if (plan.kind === "wait") {
              expect(plan.untilMs).toBeGreaterThan(local);
              continue;
            }
            expect(plan.slots.length).toBeGreaterThan(0);
            expect(plan.slots.length).toBeLessThanOrEqual(e.wanted);
            // Never in the past of the reserving process, never inside a pause it knows of.
            expect(plan.slots[0]).toBeGreaterThanOrEqual(Math.max(local + e.leadMs, copy.pausedUntil));
            if (item.write(e.process, plan.next)) granted.push(...plan.slots);
          }
          expect(peakInAnySecond(granted)).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a reservation planned from a stale copy is refused, so a 429 recorded elsewhere is never overlooked", () => {
    fc.assert(
      fc.property(budgets, fc.integer({ min: 1, max: 5000 }), (budget, retryAfterMs) => {
        const settings = settingsFor(budget);
        const item = sharedItem(2);
        item.write(0, recordThrottle(settings, INITIAL_BUDGET_STATE, EPOCH, retryAfterMs));
        const stale = planReservation(settings, INITIAL_BUDGET_STATE, {
          lane: "urgent",
          wanted: 1,
          nowMs: EPOCH,
          leadMs: 5,
        });
        expect(stale.kind).toBe("reserve");
        if (stale.kind === "reserve") expect(item.write(1, stale.next)).toBe(false);
        const fresh = planReservation(settings, item.copies[1] ?? INITIAL_BUDGET_STATE, {
          lane: "urgent",
          wanted: 1,
          nowMs: EPOCH,
          leadMs: 5,
        });
        if (fresh.kind === "reserve") expect(fresh.slots[0]).toBeGreaterThanOrEqual(EPOCH + retryAfterMs);
        else expect(fresh.untilMs).toBeGreaterThan(EPOCH);
      }),
    );
  });
});

/**
 * Bulk processes that always have callers waiting: each wakes when its plan says (a little late), and
 * its write takes a while; lateness and write together stay within the lead it plans with. Urgent
 * requests arrive in between.
 */
function saturate(options: {
  budget: number;
  processes: number;
  leadMs: number;
  durationMs: number;
  random: () => number;
  urgentAt?: readonly number[];
}) {
  const settings = settingsFor(options.budget);
  const item = sharedItem(options.processes + 1);
  const wakeAt = Array.from({ length: options.processes }, (_, p) => EPOCH + p);
  const bulkSlots: number[] = [];
  const urgentWaits: { askedAt: number; firstSlot: number | undefined }[] = [];
  const pendingUrgent = [...(options.urgentAt ?? [])].map((offset) => EPOCH + offset).sort((a, b) => a - b);
  const lateConfirmations: number[] = [];
  for (;;) {
    const p = wakeAt.indexOf(Math.min(...wakeAt));
    const now = wakeAt[p] ?? EPOCH;
    if (now >= EPOCH + options.durationMs) break;
    // Urgent requests due before this wake-up are planned first, from the stored state.
    while ((pendingUrgent[0] ?? Number.POSITIVE_INFINITY) <= now) {
      const askedAt = pendingUrgent.shift() ?? now;
      const u = options.processes;
      item.copies[u] = item.stored;
      const plan = planReservation(settings, item.stored, {
        lane: "urgent",
        wanted: 1,
        nowMs: askedAt,
        leadMs: options.leadMs,
      });
      if (plan.kind === "reserve" && item.write(u, plan.next))
        urgentWaits.push({ askedAt, firstSlot: plan.slots[0] });
      else urgentWaits.push({ askedAt, firstSlot: undefined });
    }
    const plan = planReservation(settings, item.copies[p] ?? INITIAL_BUDGET_STATE, {
      lane: "bulk",
      wanted: 50,
      nowMs: now,
      leadMs: options.leadMs,
    });
    const lateness = options.random() * (options.leadMs / 4);
    if (plan.kind === "wait") {
      wakeAt[p] = plan.untilMs + lateness;
      continue;
    }
    const writeMs = options.random() * (options.leadMs * 0.75);
    if (item.write(p, plan.next)) {
      bulkSlots.push(...plan.slots);
      if (now + writeMs > (plan.slots[0] ?? 0)) lateConfirmations.push(now + writeMs - (plan.slots[0] ?? 0));
    }
    wakeAt[p] = now + writeMs + lateness;
  }
  return { bulkSlots, urgentWaits, lateConfirmations, settings };
}

describe("slot planner: throughput and priority", () => {
  it("under saturation uses the budget in the long run (to the whole-millisecond spacing), with no slot confirmed late", () => {
    fc.assert(
      fc.property(
        budgets,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (budget, processes, leadMs, seed) => {
          const durationMs = 40_000;
          const run = saturate({ budget, processes, leadMs, durationMs, random: seededRandom(seed) });
          const measured = run.bulkSlots.filter((t) => t >= EPOCH + 5000 && t < EPOCH + 35_000);
          const rate = measured.length / 30;
          const spacing = slotSpacingMs(run.settings, INITIAL_BUDGET_STATE, EPOCH);
          expect(rate).toBeLessThanOrEqual(budget);
          expect(rate).toBeGreaterThanOrEqual(1000 / spacing - 1 / 30);
          expect(1000 / spacing).toBeGreaterThanOrEqual(0.99 * budget);
          expect(run.lateConfirmations).toEqual([]);
          expect(peakInAnySecond(run.bulkSlots)).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("while bulk saturates, urgent work gets a slot at once, at most a lead + 1.5 slots away (2 leads when writes are slower than a slot)", () => {
    fc.assert(
      fc.property(
        budgets,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 120 }),
        // Urgent requests a few slots apart or more (one queued behind another waits for that one).
        fc.array(fc.double({ min: 3, max: 40, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer(),
        (budget, processes, leadMs, gapsInSlots, seed) => {
          const slot = 1000 / budget;
          const urgentAt = gapsInSlots
            .map((_, i) => 2000 + gapsInSlots.slice(0, i + 1).reduce((sum, gap) => sum + gap * slot, 0))
            .filter((at) => at < 18_000);
          const run = saturate({
            budget,
            processes,
            leadMs,
            durationMs: 20_000,
            urgentAt,
            random: seededRandom(seed),
          });
          const spacing = slotSpacingMs(run.settings, INITIAL_BUDGET_STATE, EPOCH);
          expect(run.urgentWaits).toHaveLength(urgentAt.length);
          for (const { askedAt, firstSlot } of run.urgentWaits) {
            expect(firstSlot).toBeDefined();
            // A lead above a slot lets bulk book further ahead, so that its writes keep up.
            const bound = leadMs < spacing ? leadMs + 1.5 * spacing : 2 * leadMs + 1.5 * spacing;
            expect((firstSlot ?? Number.POSITIVE_INFINITY) - askedAt).toBeLessThanOrEqual(bound);
          }
          expect(
            peakInAnySecond([...run.bulkSlots, ...run.urgentWaits.map((w) => w.firstSlot ?? 0)]),
          ).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("slot planner: 429s", () => {
  const settings = settingsFor(19);

  it("a 429 moves every lane's first slot past the pause and widens the spacing, which recovers", () => {
    const throttled = recordThrottle(settings, INITIAL_BUDGET_STATE, EPOCH, 1000);
    expect(throttled.revision).toBe(1);
    for (const lane of ["urgent", "bulk"] as const) {
      const plan = planReservation(settings, throttled, { lane, wanted: 1, nowMs: EPOCH + 10, leadMs: 5 });
      expect(plan).toEqual({ kind: "wait", untilMs: expect.any(Number) });
      if (plan.kind === "wait") expect(plan.untilMs).toBeLessThan(EPOCH + 1000);
      const after = planReservation(settings, throttled, { lane, wanted: 3, nowMs: EPOCH + 995, leadMs: 5 });
      expect(after.kind).toBe("reserve");
      if (after.kind === "reserve") expect(after.slots[0]).toBe(EPOCH + 1000);
    }
    const full = slotSpacingMs(settings, INITIAL_BUDGET_STATE, EPOCH);
    expect(slotSpacingMs(settings, throttled, EPOCH + 1000)).toBe(Math.ceil(1000 / 9.5));
    expect(slotSpacingMs(settings, throttled, EPOCH + 1000 + fullRecoveryMs(DEFAULT_THROTTLE_POLICY))).toBe(
      full,
    );
  });

  it("a burst of 429s halves the rate once, and never shortens a pause", () => {
    const first = recordThrottle(settings, INITIAL_BUDGET_STATE, EPOCH, 5000);
    const second = recordThrottle(settings, first, EPOCH + 100, 100);
    expect(second.pausedUntil).toBe(EPOCH + 5000);
    expect(second.factorAtThrottle).toBe(first.factorAtThrottle);
    expect(second.revision).toBe(2);
  });

  it("idle time is not saved up: after a quiet spell the next slots start now, one spacing apart", () => {
    const busy = { ...INITIAL_BUDGET_STATE, nextSlotAt: EPOCH - 60_000 };
    const plan = planReservation(settings, busy, { lane: "urgent", wanted: 3, nowMs: EPOCH, leadMs: 10 });
    expect(plan.kind).toBe("reserve");
    if (plan.kind === "reserve") expect(plan.slots).toEqual([EPOCH + 10, EPOCH + 63, EPOCH + 116]);
  });
});
