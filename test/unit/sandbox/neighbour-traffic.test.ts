import { describe, expect, it } from "vitest";
import { DEFAULT_NEIGHBOUR, NeighbourTraffic } from "../../../local/sandbox/traffic/neighbour";
import { OperationRateLimit } from "../../../local/sandbox/traffic/operation-limit";
import { CompanyRateLimit } from "../../../local/sandbox/traffic/rate-limiter";

describe("the sandbox's neighbour (another integration on the company's limit)", () => {
  it("steady: evenly spaced requests from the moment it is turned on", () => {
    const neighbour = new NeighbourTraffic();
    neighbour.configure({ ...DEFAULT_NEIGHBOUR, neighbourMode: "steady", neighbourRatePerSecond: 5 }, 1000);
    expect(neighbour.arrivalsUntil(1999)).toEqual([1000, 1200, 1400, 1600, 1800]);
    expect(neighbour.arrivalsUntil(2000)).toEqual([2000]);
  });

  it("bursty: a whole burst at the start of every period", () => {
    const neighbour = new NeighbourTraffic();
    neighbour.configure(
      { ...DEFAULT_NEIGHBOUR, neighbourMode: "bursty", neighbourBurstSize: 3, neighbourBurstEveryMs: 500 },
      0,
    );
    expect(neighbour.arrivalsUntil(600)).toEqual([0, 0, 0, 500, 500, 500]);
  });

  it("off spends nothing", () => {
    const neighbour = new NeighbourTraffic();
    expect(neighbour.arrivalsUntil(1e9)).toEqual([]);
  });

  it.each([
    { oursEveryMs: 70, oursAdmitted: 15, neighbourAdmitted: 5 },
    // We ask for 20/s: the window still never holds more than 20, whoever asked first.
    { oursEveryMs: 50, oursAdmitted: 16, neighbourAdmitted: 4 },
  ])(
    "shares the company's window with us (ours every $oursEveryMs ms)",
    ({ oursEveryMs, oursAdmitted, neighbourAdmitted }) => {
      const limiter = new CompanyRateLimit(20);
      const neighbour = new NeighbourTraffic();
      neighbour.configure({ ...DEFAULT_NEIGHBOUR, neighbourMode: "steady", neighbourRatePerSecond: 5 }, 0);
      let ours = 0;
      for (let t = 0; t < 1000; t += oursEveryMs) {
        neighbour.spendUntil(limiter, t);
        if (limiter.tryAdmit(t)) ours += 1;
      }
      neighbour.spendUntil(limiter, 999);
      expect(neighbour.stats().admitted).toBe(neighbourAdmitted);
      expect(ours).toBe(oursAdmitted);
    },
  );

  it("a neighbour burst into a full window is refused and counted", () => {
    const limiter = new CompanyRateLimit(20);
    for (let i = 0; i < 20; i++) limiter.tryAdmit(0);
    const neighbour = new NeighbourTraffic();
    neighbour.configure(
      { ...DEFAULT_NEIGHBOUR, neighbourMode: "bursty", neighbourBurstSize: 15, neighbourBurstEveryMs: 3000 },
      100,
    );
    neighbour.spendUntil(limiter, 100);
    expect(neighbour.stats()).toEqual({ admitted: 0, refused: 15 });
  });
});

describe("the per-operation limit (the spec's 1200 per minute)", () => {
  it("refuses the 1201st request of one operation within 60 s, with the seconds until a slot frees", () => {
    const limit = new OperationRateLimit(1200);
    for (let i = 0; i < 1200; i++) expect(limit.tryAdmit("POST /users", i * 10).admitted).toBe(true);
    expect(limit.tryAdmit("POST /users", 12_000)).toEqual({ admitted: false, retryAfterSeconds: 48 });
    expect(limit.tryAdmit("GET /users", 12_000).admitted).toBe(true);
    expect(limit.tryAdmit("POST /users", 60_000).admitted).toBe(true);
  });

  it("a refused request does not count", () => {
    const limit = new OperationRateLimit(1);
    expect(limit.tryAdmit("GET /users", 0).admitted).toBe(true);
    for (let t = 1; t < 60_000; t += 1000) expect(limit.tryAdmit("GET /users", t).admitted).toBe(false);
    expect(limit.tryAdmit("GET /users", 60_000).admitted).toBe(true);
  });
});
