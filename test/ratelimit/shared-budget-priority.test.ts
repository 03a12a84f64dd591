/**
 * Urgent work (offboarding) against a bulk backlog (onboarding): urgent gets a slot within about one
 * window, bulk leaves the urgent reserve free while urgent is active, and gets the whole budget back
 * once urgent work stops. Real time against DynamoDB Local; "active" is shortened to 1 s.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  bulkAllowance,
  WINDOW_MS,
  windowAllowance,
  windowIndexAt,
} from "../../shared/ratelimit/window-schedule";
import { createTestTable } from "../support/aws";
import { acquireUntil, countBetween, peakPerSecond, range, startContainer, warmUp } from "./grant-recording";

const BUDGET_RPS = 15;
const URGENT_SHARE = 0.25;
const URGENT_ACTIVE_MS = 1000;

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

it("urgent work waits about one window at most, bulk leaves it its share, and bulk regains the full budget after", async () => {
  const options = {
    tableName: table.tableName,
    budgetRps: BUDGET_RPS,
    urgentShare: URGENT_SHARE,
    urgentActiveMs: URGENT_ACTIVE_MS,
  };
  const bulkContainers = range(4).map(() => startContainer(options));
  const urgentContainer = startContainer(options);
  await warmUp([...bulkContainers, urgentContainer]);

  const bulkGrants: number[] = [];
  const urgentGrants: number[] = [];
  const urgentWaits: number[] = [];
  const urgentFrom = Date.now() + 500;
  const urgentUntil = urgentFrom + 1500;
  const stopAt = urgentUntil + URGENT_ACTIVE_MS + 2500;
  await Promise.all([
    ...bulkContainers.flatMap((c) =>
      range(3).map(() => acquireUntil(c.budget.limiterFor("bulk"), stopAt, bulkGrants)),
    ),
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, urgentFrom - Date.now()));
      // One offboarding worker: each grant is followed by a ~150 ms Dialpad call.
      await acquireUntil(urgentContainer.budget.limiterFor("urgent"), urgentUntil, urgentGrants, {
        workMs: 150,
        waits: urgentWaits,
      });
    })(),
  ]);

  // Windows in which bulk must already know urgent work is active: from one STATE refresh after the
  // first urgent grant (plus how far ahead bulk books: its write latency, large on a loaded machine)
  // to the last urgent grant.
  const bulkLag = 250 + 2 * Math.max(...bulkContainers.flatMap((c) => c.writeLatencies));
  const firstUrgent = urgentGrants[0]!;
  const lastUrgent = urgentGrants.at(-1)!;
  const bulkByWindow = new Map<number, number>();
  for (const t of bulkGrants)
    bulkByWindow.set(windowIndexAt(t), (bulkByWindow.get(windowIndexAt(t)) ?? 0) + 1);
  const overCap: string[] = [];
  for (let w = windowIndexAt(firstUrgent + bulkLag) + 1; w <= windowIndexAt(lastUrgent); w++) {
    const cap = bulkAllowance(windowAllowance(w, BUDGET_RPS), URGENT_SHARE, true);
    if ((bulkByWindow.get(w) ?? 0) > cap) overCap.push(`window ${w}: ${bulkByWindow.get(w)} bulk > ${cap}`);
  }
  const bulkWhileUrgent =
    countBetween(bulkGrants, firstUrgent + 500, lastUrgent) / ((lastUrgent - firstUrgent - 500) / 1000);
  // After urgent stops: its mark lapses after URGENT_ACTIVE_MS, then a STATE refresh or two.
  const afterFrom = lastUrgent + URGENT_ACTIVE_MS + 500;
  // Over two seconds, so one stall of the local engine cannot decide the figure.
  const bulkAfter = countBetween(bulkGrants, afterFrom, afterFrom + 2000) / 2;
  // An urgent acquire costs one write, two when its first window was already booked full: on a loaded
  // machine DynamoDB Local's write latency is part of any wait.
  const slowestWrite = Math.max(...urgentContainer.writeLatencies);
  console.info(
    `priority: ${urgentGrants.length} urgent grants, waits ${urgentWaits.join("/")} ms (max ${Math.max(...urgentWaits)}, ` +
      `slowest write ${slowestWrite} ms); ` +
      `bulk ${bulkWhileUrgent.toFixed(1)}/s while urgent active, ${bulkAfter}/s after; ` +
      `peak ${peakPerSecond([...bulkGrants, ...urgentGrants])} per 1-s span`,
  );

  expect(urgentGrants.length).toBeGreaterThanOrEqual(2);
  // About one window: the window it arrived in was full, the next one with room is booked at once.
  expect(Math.max(...urgentWaits)).toBeLessThanOrEqual(WINDOW_MS + 2 * slowestWrite + 50);
  expect(overCap).toEqual([]);
  // More than bulk may take while urgent work is active (11 of 15): the reserve was given back.
  expect(bulkAfter).toBeGreaterThanOrEqual(0.8 * BUDGET_RPS);
  expect(peakPerSecond([...bulkGrants, ...urgentGrants])).toBeLessThanOrEqual(20);
});
