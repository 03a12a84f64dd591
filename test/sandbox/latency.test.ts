/**
 * Simulated latency: every answer waits mean ± jitter (seeded), 0 answers at once, and it can be
 * changed while running.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { Latency } from "../../local/sandbox/traffic/latency";
import { dialpadHttp } from "./support/sandbox-http";

describe("Latency", () => {
  it("draws delays uniformly within mean ± jitter", () => {
    const draws = [0, 0.5, 0.999];
    const latency = new Latency({ meanMs: 150, jitterMs: 50 }, () => draws.shift()!);
    expect(latency.nextDelayMs()).toBe(100);
    expect(latency.nextDelayMs()).toBe(150);
    expect(latency.nextDelayMs()).toBeCloseTo(199.9);
  });
});

describe("latency over HTTP", () => {
  let sandbox: Sandbox | undefined;
  afterEach(() => sandbox?.stop());

  const timed = async (request: () => Promise<unknown>) => {
    const started = performance.now();
    await request();
    return performance.now() - started;
  };

  it("delays every answer (errors included) by one draw of the default 150 ± 50 ms", async () => {
    // Every draw at the top of the range, so each answer waits 150 + 50 × 0.998 ≈ 199.9 ms.
    let draws = 0;
    const top = () => {
      draws += 1;
      return 0.999;
    };
    sandbox = await startSandbox({ rateLimitPerSecond: 1000, random: top });
    const api = dialpadHttp(sandbox);
    const durations = await Promise.all([
      ...Array.from({ length: 8 }, () => timed(() => api.get("/offices"))),
      timed(() => dialpadHttp(sandbox!, "bad-key").get("/users")),
    ]);
    // A busy machine only adds time, so the drawn delay is a floor; a ceiling on wall-clock time
    // would fail under load. What keeps a delay from being applied twice is one draw per answer.
    for (const ms of durations) expect(ms).toBeGreaterThanOrEqual(199);
    expect(draws).toBe(durations.length);
  });

  it("answers at once with latency 0 and follows a change at run time", async () => {
    let draws = 0;
    const middle = () => {
      draws += 1;
      return 0.5;
    };
    sandbox = await startSandbox({ latencyMs: 0, jitterMs: 0, random: middle });
    const api = dialpadHttp(sandbox);
    for (let i = 0; i < 5; i++) expect((await api.get("/offices")).status).toBe(200);
    // Latency 0 draws no delay at all (nothing to wait for); a wall-clock ceiling would fail on a
    // loaded machine, where even an instant answer can take 100 ms and more.
    expect(draws).toBe(0);
    sandbox.configure({ latencyMs: 300, jitterMs: 0 });
    expect(await timed(() => api.get("/offices"))).toBeGreaterThanOrEqual(299);
    expect(draws).toBe(1);
  });
});
