/**
 * The DynamoDB adapter of the shared budget, against DynamoDB Local: the conditional write admits
 * exactly one writer per revision, so processes racing to reserve never get overlapping or crowded
 * slots; a refused write answers the stored state. And the pump on it end to end.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoBudgetStore } from "../../shared/ratelimit/budget-table";
import { createSharedRateBudget } from "../../shared/ratelimit/shared-rate-budget";
import {
  type BudgetState,
  INITIAL_BUDGET_STATE,
  type PlannerSettings,
  planReservation,
  recordThrottle,
} from "../../shared/ratelimit/slot-planner";
import { DEFAULT_THROTTLE_POLICY } from "../../shared/ratelimit/throttle-state";
import { createTestTable, localDocumentClient } from "../support/aws";

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

const settings: PlannerSettings = { budgetRps: 19, policy: DEFAULT_THROTTLE_POLICY };

describe("DynamoBudgetStore", () => {
  it("reads a missing item as nothing reserved, and writes only from the stored revision", async () => {
    const store = new DynamoBudgetStore(localDocumentClient(), table.tableName, "revisions");
    expect(await store.read()).toEqual(INITIAL_BUDGET_STATE);
    const throttled = recordThrottle(settings, INITIAL_BUDGET_STATE, 1_000_000, 1000);
    expect(await store.replace(INITIAL_BUDGET_STATE, throttled)).toEqual({ written: true });
    expect(await store.read()).toEqual(throttled);
    // A second writer that planned from revision 0 is refused and handed what is stored.
    const stale = { ...INITIAL_BUDGET_STATE, nextSlotAt: 5, revision: 1 };
    expect(await store.replace(INITIAL_BUDGET_STATE, stale)).toEqual({ written: false, current: throttled });
    expect(await store.read()).toEqual(throttled);
  });

  it("takes over an item left by the earlier 250 ms window design", async () => {
    const doc = localDocumentClient();
    await doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: "RATE#legacy", sk: "STATE", paused_until: 42, urgent_until: 7, version: 3 },
      }),
    );
    const store = new DynamoBudgetStore(doc, table.tableName, "legacy");
    const legacy = await store.read();
    expect(legacy).toEqual({ ...INITIAL_BUDGET_STATE, pausedUntil: 42 });
    const next: BudgetState = { ...legacy, nextSlotAt: 1000, revision: 1 };
    expect(await store.replace(legacy, next)).toEqual({ written: true });
    expect(await store.read()).toEqual(next);
  });

  it("processes racing to reserve get disjoint slots, never more than the budget in any second", async () => {
    const racers = 6;
    const reservationsEach = 15;
    const granted: number[] = [];
    let refused = 0;
    await Promise.all(
      Array.from({ length: racers }, async (_, r) => {
        const store = new DynamoBudgetStore(localDocumentClient(), table.tableName, "race");
        let copy = await store.read();
        for (let done = 0; done < reservationsEach; ) {
          // Each racer's clock reads a little before the next free slot, by a different amount: the
          // spacing comes from the shared item, not from any clock.
          const plan = planReservation(settings, copy, {
            lane: r % 2 ? "urgent" : "bulk",
            wanted: 3,
            nowMs: Math.max(copy.nextSlotAt, 1_000_000) - ((r * 7) % 40),
            leadMs: 30,
          });
          if (plan.kind === "wait") {
            copy = await store.read();
            continue;
          }
          const outcome = await store.replace(copy, plan.next);
          if (outcome.written) {
            granted.push(...plan.slots);
            copy = plan.next;
            done++;
          } else {
            refused++;
            copy = outcome.current;
          }
        }
      }),
    );
    const sorted = [...granted].sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(sorted.length);
    for (let i = 0; i + 19 < sorted.length; i++)
      expect(sorted[i + 19]! - sorted[i]!).toBeGreaterThanOrEqual(1000);
    const stored = await new DynamoBudgetStore(localDocumentClient(), table.tableName, "race").read();
    expect(stored.revision).toBe(racers * reservationsEach);
    console.info(
      `race: ${granted.length} slots in ${racers * reservationsEach} reservations, ${refused} refused writes`,
    );
  });
});

describe("the pump on DynamoDB Local", () => {
  it("serves every caller of several processes, and a 429 recorded by one is stored for all", async () => {
    const budgets = Array.from({ length: 3 }, () =>
      createSharedRateBudget({
        store: new DynamoBudgetStore(localDocumentClient(), table.tableName, "pump"),
        budgetRps: 19,
      }),
    );
    const acquires = budgets.flatMap((b) => [
      ...Array.from({ length: 4 }, () => b.limiterFor("bulk").acquire()),
      b.limiterFor("urgent").acquire(),
    ]);
    await Promise.all(acquires);
    await budgets[0]!.limiterFor("bulk").onThrottled(1000);
    const stored = await new DynamoBudgetStore(localDocumentClient(), table.tableName, "pump").read();
    expect(stored.pausedUntil).toBeGreaterThan(stored.throttledAt);
    expect(stored.factorAtThrottle).toBe(0.5);
    expect(stored.ceilingFactor).toBe(1);
  });
});
