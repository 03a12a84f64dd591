/**
 * The company-wide limit: at most N requests in ANY 1-second sliding window by arrival time,
 * refused requests answer 429 with Retry-After: 1 and do not count; the stats show the peak. Also
 * the spec's per-operation limit (per minute) and a neighbour spending part of the company's limit.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { CompanyRateLimit } from "../../local/sandbox/traffic/rate-limiter";
import { dialpadHttp, eventually } from "./support/sandbox-http";

describe("CompanyRateLimit (injected clock)", () => {
  it("bounds every 1-second window, not only aligned ones", () => {
    const limiter = new CompanyRateLimit(3);
    // 3 at t=900 fill the window; at t=1100 a fixed per-second window would admit 3 more.
    expect([900, 900, 900].map((t) => limiter.tryAdmit(t))).toEqual([true, true, true]);
    expect(limiter.tryAdmit(1100)).toBe(false);
    expect(limiter.tryAdmit(1899)).toBe(false);
    expect(limiter.tryAdmit(1900)).toBe(true);
  });

  it("does not count refused requests toward the window", () => {
    const limiter = new CompanyRateLimit(2);
    expect(limiter.tryAdmit(0)).toBe(true);
    expect(limiter.tryAdmit(500)).toBe(true);
    for (let t = 600; t < 1000; t += 50) expect(limiter.tryAdmit(t)).toBe(false);
    // The first admission leaves the window at t=1000; the refusals between never entered it.
    expect(limiter.tryAdmit(1000)).toBe(true);
    expect(limiter.tryAdmit(1001)).toBe(false);
    expect(limiter.tryAdmit(1500)).toBe(true);
  });
});

describe("rate limit over HTTP", () => {
  let sandbox: Sandbox | undefined;
  afterEach(() => sandbox?.stop());

  it("answers 5 of 25 simultaneous requests with 429 and Retry-After: 1", async () => {
    // Stopped clock: the 25 arrive within one window however slowly a busy machine sends them.
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, monotonicClock: () => 1000 });
    const api = dialpadHttp(sandbox);
    const answers = await Promise.all(Array.from({ length: 25 }, () => api.get("/offices")));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    expect(limited).toHaveLength(5);
    for (const answer of limited) {
      expect(answer.headers.get("retry-after")).toBe("1");
      expect(answer.body).toEqual({ error: { code: 429, message: expect.any(String) } });
    }
    const stats = sandbox.stats();
    expect(stats.tooManyRequestsSent).toBe(5);
    expect(stats.peakRequestsPerSecond).toBe(25);
    expect(stats.peakAdmittedPerSecond).toBe(20);
  });

  it("shares the limit across keys (a wrong key still spends the company's budget)", async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 5 });
    const good = dialpadHttp(sandbox);
    const bad = dialpadHttp(sandbox, "someone-elses-key");
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => bad.get("/users")),
      good.get("/users"),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("keeps every 1-second window within the limit under sustained pressure, and recovers", async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 10 });
    const api = dialpadHttp(sandbox);
    const started = Date.now();
    const statuses: number[] = [];
    // Hammer for 1.5 s with 4 concurrent callers (the pressure is the subject, not a wait).
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() - started < 1500) statuses.push((await api.get("/offices")).status);
      }),
    );
    const stats = sandbox.stats();
    expect(stats.peakAdmittedPerSecond).toBeLessThanOrEqual(10);
    expect(stats.peakRequestsPerSecond).toBeGreaterThan(10);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    // Once the window has passed, requests are admitted again.
    await eventually(async () => ((await api.get("/offices")).status === 200 ? true : undefined), 3000);
  });

  it("a neighbour turned on by the control route spends the company's window first", async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, monotonicClock: () => 1000 });
    const config = await fetch(`${sandbox.url}/__sandbox/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ neighbourMode: "bursty", neighbourBurstSize: 15 }),
    });
    expect(config.status).toBe(200);
    const api = dialpadHttp(sandbox);
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.get("/offices")));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
    const stats = (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as { neighbour: unknown };
    expect(stats.neighbour).toEqual({ admitted: 15, refused: 0 });
  });

  it("refuses an operation past its per-minute limit with the seconds until a slot frees", async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, monotonicClock: () => 1000 });
    sandbox.configure({ operationLimitPerMinute: 2 });
    const api = dialpadHttp(sandbox);
    expect((await api.get("/offices")).status).toBe(200);
    expect((await api.get("/offices")).status).toBe(200);
    const refused = await api.get("/offices");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    // Another operation has its own minute.
    expect((await api.get("/users")).status).toBe(200);
  });

  it("does not rate-limit or count the /__sandbox control routes", async () => {
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 1 });
    const url = sandbox.url;
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(`${url}/__sandbox/stats`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(sandbox.stats().totalRequests).toBe(0);
  });
});
