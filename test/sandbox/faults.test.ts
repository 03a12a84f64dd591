/**
 * Faults on demand: the next N requests (optionally of one method and route) answer a 5xx, hang
 * and drop the connection, or answer 429 with Retry-After in seconds, as an HTTP date, or none.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { dialpadHttp, FAST } from "./support/sandbox-http";

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let hqId: string;

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
  api = dialpadHttp(sandbox);
  hqId = sandbox.state.office("HQ")!.id;
});
afterEach(() => sandbox.stop());

describe("5xx", () => {
  it("answers the given status to the next N requests, then recovers", async () => {
    sandbox.injectFaults({ kind: "error", status: 503, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.get("/offices")).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sandbox.stats().serverErrorsSent).toBe(2);
  });

  it("only hits the matching method and route, and the faulted request changes nothing", async () => {
    sandbox.injectFaults({ kind: "error", status: 500, method: "post", route: "/users" });
    expect((await api.get("/users")).status).toBe(200);
    const failed = await api.post("/users", { email: "f@example.com", office_id: hqId });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: 500, message: expect.any(String) } });
    expect(sandbox.state.userByEmail("f@example.com")).toBeUndefined();
    expect((await api.post("/users", { email: "f@example.com", office_id: hqId })).status).toBe(200);
  });
});

describe("timeouts", () => {
  it("hangs past the client's timeout, then drops the connection", async () => {
    sandbox.injectFaults({ kind: "timeout", count: 2, hangMs: 400 });
    await expect(
      fetch(`${sandbox.baseUrl}/offices`, {
        headers: { authorization: `Bearer ${sandbox.apiKey}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow(/timeout|aborted/i);

    const started = performance.now();
    await expect(
      fetch(`${sandbox.baseUrl}/offices`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);

    expect((await api.get("/offices")).status).toBe(200);
    expect(sandbox.stats().timeoutsInjected).toBe(2);
  });

  it("stop() does not wait for a hung request", async () => {
    // Hung far beyond the test's timeout: a stop() that waited for it fails the test by timing out.
    sandbox.injectFaults({ kind: "timeout", hangMs: 3_600_000 });
    const hung = fetch(`${sandbox.baseUrl}/offices`, {
      headers: { authorization: `Bearer ${sandbox.apiKey}` },
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    await sandbox.stop();
    expect(await hung).toBeInstanceOf(Error);
    sandbox = await startSandbox(FAST); // afterEach stops it
  });
});

describe("429 bursts", () => {
  it("answers 429 with Retry-After in seconds", async () => {
    sandbox.injectFaults({ kind: "rate-limit", count: 2, retryAfterSeconds: 3 });
    const first = await api.get("/users");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect((await api.get("/users")).status).toBe(429);
    expect((await api.get("/users")).status).toBe(200);
    expect(sandbox.stats().tooManyRequestsSent).toBe(2);
  });

  it("answers 429 with Retry-After as an HTTP date", async () => {
    sandbox.injectFaults({ kind: "rate-limit", retryAfter: "http-date", retryAfterSeconds: 2 });
    const answer = await api.get("/users");
    const header = answer.headers.get("retry-after")!;
    expect(header).toMatch(/GMT$/);
    const until = Date.parse(header);
    expect(until).toBeGreaterThan(Date.now());
    expect(until).toBeLessThanOrEqual(Date.now() + 3000);
  });

  it("answers 429 without Retry-After", async () => {
    sandbox.injectFaults({ kind: "rate-limit", retryAfter: "none" });
    const answer = await api.get("/users");
    expect(answer.status).toBe(429);
    expect(answer.headers.has("retry-after")).toBe(false);
  });

  it("consumes rules in injection order", async () => {
    sandbox.injectFaults({ kind: "error", status: 502 });
    sandbox.injectFaults({ kind: "rate-limit" });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.get("/offices")).status);
    expect(statuses).toEqual([502, 429, 200]);
  });
});
