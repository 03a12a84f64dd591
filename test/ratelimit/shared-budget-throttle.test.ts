/**
 * A 429 seen by one container pauses every container and lowers the shared rate, which recovers.
 * Real time against DynamoDB Local; the recovery is shortened to 2 s to keep the test short.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestTable } from "../support/aws";
import {
  acquireUntil,
  type Container,
  countBetween,
  peakPerSecond,
  range,
  startContainer,
  warmUp,
} from "./grant-recording";

const BUDGET_RPS = 15;
const RECOVERY_MS = 2000;
const WARM_UP_MS = 500;
/**
 * A grant DynamoDB confirmed (or a booking STATE cleared) before the pause was recorded may still
 * resolve just after onThrottled returns: within one write's latency, which on a loaded machine is
 * far from DynamoDB's usual milliseconds, so the slack is measured rather than assumed.
 */
const slackMs = (containers: Container[]) => Math.max(...containers.flatMap((c) => c.writeLatencies)) + 30;

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

it("onThrottled(1000) from one container stops every container for the pause, then the rate recovers from a lowered one", async () => {
  const containers = range(4).map(() =>
    startContainer({
      tableName: table.tableName,
      budgetRps: BUDGET_RPS,
      urgentShare: 0.25,
      throttlePolicy: { recoveryMs: RECOVERY_MS },
    }),
  );
  await warmUp(containers);
  const grants: number[] = [];
  const throttleAt = Date.now() + WARM_UP_MS + 750;
  const pauseEnd = throttleAt + 1000;
  const stopAt = pauseEnd + RECOVERY_MS + 1500;
  let throttleReturnedAt = 0;
  const throttler = (async () => {
    await new Promise((resolve) => setTimeout(resolve, throttleAt - Date.now()));
    await containers[0]!.budget.limiterFor("bulk").onThrottled(1000);
    throttleReturnedAt = Date.now();
  })();
  await Promise.all([
    throttler,
    ...containers.flatMap((c) =>
      range(3).map(() => acquireUntil(c.budget.limiterFor("bulk"), stopAt, grants)),
    ),
  ]);

  const before = countBetween(grants, throttleAt - 750, throttleAt);
  const slack = slackMs(containers);
  const duringPause = grants.filter((t) => t >= throttleReturnedAt + slack && t < pauseEnd);
  const lowered = countBetween(grants, pauseEnd, pauseEnd + 1000);
  // Rates over whole seconds or more, so one stall of the local engine cannot decide a figure.
  const recoveredRps = countBetween(grants, pauseEnd + RECOVERY_MS, pauseEnd + RECOVERY_MS + 1500) / 1.5;
  console.info(
    `throttle: ${before} grants in the 750 ms before, ${duringPause.length} during the pause ` +
      `(onThrottled took ${throttleReturnedAt - throttleAt} ms, in-flight slack ${slack} ms), ${lowered} in the first second after it ` +
      `(budget ${BUDGET_RPS}), ${recoveredRps.toFixed(1)}/s once recovered; peak ${peakPerSecond(grants)} per 1-s span`,
  );

  expect(before).toBeGreaterThanOrEqual(7); // saturated: ~11 of 15/s
  expect(duringPause).toEqual([]);
  // Factor 0.5 recovering to 0.75 over that second: ~9-12 grants (allowances round up per window, and
  // one window may straddle the second's edge) instead of the full 15 or more.
  expect(lowered).toBeGreaterThan(0);
  expect(lowered).toBeLessThan(0.9 * BUDGET_RPS);
  expect(recoveredRps).toBeGreaterThan(lowered); // lowered was a one-second count
  expect(recoveredRps).toBeGreaterThanOrEqual(0.75 * BUDGET_RPS); // back to about the full rate
  expect(peakPerSecond(grants)).toBeLessThanOrEqual(20);
});
