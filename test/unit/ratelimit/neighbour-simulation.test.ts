/**
 * The shared budget at 19/s against the sandbox's own company limiter (20 in any sliding second) and
 * its neighbour (another integration's traffic), in process on a fake clock: how many of our
 * requests draw a 429 with a steady neighbour, and how fast the rate comes back once it stops.
 */
import { describe, expect, it } from "vitest";
import { NeighbourTraffic } from "../../../local/sandbox/traffic/neighbour";
import { CompanyRateLimit } from "../../../local/sandbox/traffic/rate-limiter";
import { createSharedRateBudget } from "../../../shared/ratelimit/shared-rate-budget";
import { MAX_BUDGET_RPS } from "../../../shared/ratelimit/slot-planner";
import {
  DEFAULT_THROTTLE_POLICY,
  fullRecoveryMs,
  rateFactorAt,
} from "../../../shared/ratelimit/throttle-state";
import { EPOCH, FakeClock, InMemoryBudgetStore } from "./fake-budget-parts";

const WORKERS = 6;
/** One way to Dialpad and back: the 429 is known this long after it was drawn. */
const NETWORK_MS = 15;

function maxInAnySecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while ((sorted[head] ?? 0) - (sorted[tail] ?? 0) >= 1000) tail++;
    peak = Math.max(peak, head - tail + 1);
  }
  return peak;
}

async function simulate(neighbourOnMs: number, totalMs: number) {
  const clock = new FakeClock();
  const store = new InMemoryBudgetStore(clock, 8);
  const budget = createSharedRateBudget({
    store,
    budgetRps: MAX_BUDGET_RPS,
    now: clock.now,
    sleep: clock.sleep,
  });
  const limiter = budget.limiterFor("bulk");
  const company = new CompanyRateLimit(20);
  const neighbour = new NeighbourTraffic();
  neighbour.configure(
    { neighbourMode: "steady", neighbourRatePerSecond: 5, neighbourBurstSize: 0, neighbourBurstEveryMs: 0 },
    EPOCH,
  );
  const sent: number[] = [];
  const refused: number[] = [];
  let stop = false;
  let neighbourOn = true;
  const worker = async () => {
    while (!stop) {
      await limiter.acquire();
      if (stop) return;
      await clock.sleep(NETWORK_MS);
      const at = clock.now();
      if (neighbourOn && at >= EPOCH + neighbourOnMs) {
        neighbour.spendUntil(company, EPOCH + neighbourOnMs);
        neighbourOn = false;
      }
      if (neighbourOn) neighbour.spendUntil(company, at);
      sent.push(at);
      const admitted = company.tryAdmit(at);
      await clock.sleep(NETWORK_MS);
      if (!admitted) {
        refused.push(at);
        await limiter.onThrottled(1000);
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  // The factor every process would derive from the stored state, sampled every 100 ms.
  const factors: { at: number; factor: number }[] = [];
  for (let t = EPOCH; t <= EPOCH + totalMs; t += 100) {
    await clock.runUntil(t);
    factors.push({ at: t - EPOCH, factor: rateFactorAt(store.stored, t, DEFAULT_THROTTLE_POLICY) });
  }
  stop = true;
  await clock.runUntil(EPOCH + totalMs + 5000);
  await Promise.all(workers);
  return { sent, refused, factors, neighbour: neighbour.stats() };
}

describe("the shared budget next to another integration (sandbox limiter + neighbour, fake clock)", () => {
  it("keeps 429s at or under 1 % with a steady 5/s neighbour, recovers after it stops, never above 20 in a second", async () => {
    const neighbourOnMs = 60_000;
    const run = await simulate(neighbourOnMs, 120_000);
    const during = run.sent.filter((t) => t < EPOCH + neighbourOnMs);
    const refusedDuring = run.refused.filter((t) => t < EPOCH + neighbourOnMs);
    // The neighbour leaves 15/s: most of that is used, and almost nothing is refused.
    expect(refusedDuring.length / during.length).toBeLessThanOrEqual(0.01);
    expect(during.length).toBeGreaterThan(0.8 * 15 * 60);
    // Back to 0.9 of the budget within the policy's bound after the neighbour stopped, and it stays there.
    const bound = neighbourOnMs + fullRecoveryMs(DEFAULT_THROTTLE_POLICY);
    const recovered = run.factors.find((f) => f.at >= neighbourOnMs && f.factor >= 0.9);
    expect(recovered?.at).toBeLessThanOrEqual(bound);
    expect(run.factors.filter((f) => f.at > bound).every((f) => f.factor >= 0.9)).toBe(true);
    expect(run.refused.filter((t) => t >= EPOCH + neighbourOnMs)).toHaveLength(0);
    // Ours alone never above 20 in any second (the limiter admits at most 20 of everyone's).
    expect(maxInAnySecond(run.sent)).toBeLessThanOrEqual(20);
    console.info(
      `neighbour 5/s for 60 s: ${during.length} sent, ${refusedDuring.length} refused ` +
        `(${((100 * refusedDuring.length) / during.length).toFixed(2)} %); ` +
        `factor ≥ 0.9 ${((recovered?.at ?? Number.NaN) - neighbourOnMs) / 1000} s after it stopped`,
    );
  }, 60_000);
});
