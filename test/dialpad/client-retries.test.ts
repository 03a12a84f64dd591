/**
 * The retry policy: full-jitter back-off, 429 and `Retry-After`, and the line between requests
 * that are safe to repeat and creates that must surface an ambiguous failure instead.
 * Delays are measured through an injected sleep, never by the wall clock.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DialpadClient } from "../../shared/dialpad/client";
import type { DialpadError } from "../../shared/dialpad/errors";
import { rejectionOf, testClient } from "./client-fixtures";
import { json, type ScriptedServer, sequence, startScriptedServer } from "./scripted-server";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(() => server.stop());

const ok = json({ id: "1", state: "active" });
const unavailable = json({ error: { message: "backend unavailable" } }, 503);

describe("back-off", () => {
  it("uses full jitter over a doubling window: random() * min(max, base * 2^retry)", async () => {
    server.setHandler(() => unavailable);
    const { client, delays, limiter } = testClient(server.baseUrl);
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;

    expect(error).toMatchObject({ kind: "transient", status: 503, retryable: true, ambiguous: false });
    expect(error.message).toBe(
      "Dialpad GET /users/{id} answered 503: backend unavailable (gave up after 5 attempts)",
    );
    expect(server.requests).toHaveLength(5);
    expect(delays).toEqual([100, 200, 400, 800]);
    expect(limiter.acquired).toBe(5);
  });

  it("caps the window at maxDelayMs", async () => {
    server.setHandler(() => unavailable);
    const { client, delays } = testClient(server.baseUrl, {
      random: () => 0.999,
      baseDelayMs: 1000,
      maxDelayMs: 3000,
      maxAttempts: 5,
    });
    await rejectionOf(client.getUser("1"));
    expect(delays).toEqual([999, 1998, 2997, 2997]);
  });

  it("a 5xx followed by success on a GET returns the success", async () => {
    server.setHandler(sequence(unavailable, json({}, 500), ok));
    const { client, delays } = testClient(server.baseUrl);
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(delays).toHaveLength(2);
  });
});

describe("429 Too Many Requests", () => {
  it("honours Retry-After in seconds and tells the shared limiter", async () => {
    server.setHandler(sequence(json({}, 429, { "Retry-After": "3" }), ok));
    const { client, delays, limiter } = testClient(server.baseUrl);
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(delays).toEqual([3000]);
    expect(limiter.throttles).toEqual([3000]);
    expect(limiter.acquired).toBe(2);
  });

  it("honours Retry-After as an HTTP date, relative to the injected clock", async () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const retryAt = new Date(now + 7000).toUTCString();
    server.setHandler(sequence(json({}, 429, { "Retry-After": retryAt }), ok));
    const { client, delays, limiter } = testClient(server.baseUrl, { now: () => now });
    await client.getUser("1");
    expect(delays).toEqual([7000]);
    expect(limiter.throttles).toEqual([7000]);
  });

  it("without Retry-After backs off with jitter and lets the limiter choose its pause", async () => {
    server.setHandler(sequence(json({}, 429), json({}, 429), ok));
    const { client, delays, limiter } = testClient(server.baseUrl);
    await client.getUser("1");
    expect(delays).toEqual([100, 200]);
    expect(limiter.throttles).toEqual([undefined, undefined]);
  });

  it("retries a create too, since Dialpad did not apply a throttled request", async () => {
    server.setHandler(sequence(json({}, 429, { "Retry-After": "1" }), ok));
    const { client } = testClient(server.baseUrl);
    await expect(client.createUser({ email: "a@x.io", office_id: "5" })).resolves.toMatchObject({ id: "1" });
    expect(server.requests).toHaveLength(2);
  });

  it("ends as rate_limited once the attempts are spent", async () => {
    server.setHandler(() => json({}, 429, { "Retry-After": "1" }));
    const { client } = testClient(server.baseUrl, { maxAttempts: 3 });
    const error = await rejectionOf(client.getUser("1"));
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryable: true, retryAfterMs: 1000 });
    expect(server.requests).toHaveLength(3);
  });

  it("does not sit out a Retry-After longer than maxRetryAfterMs: the caller re-queues instead", async () => {
    server.setHandler(() => json({}, 429, { "Retry-After": "120" }));
    const { client, delays, limiter } = testClient(server.baseUrl);
    const error = await rejectionOf(client.getUser("1"));
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 120_000 });
    expect(delays).toEqual([]);
    expect(limiter.throttles).toEqual([120_000]);
    expect(server.requests).toHaveLength(1);
  });
});

describe("repeatable requests versus creates", () => {
  type Call = [string, (client: DialpadClient) => Promise<unknown>];
  const creates: Call[] = [
    ["createUser", (c) => c.createUser({ email: "a@x.io", office_id: "5" })],
    ["assignNumber", (c) => c.assignNumber("1", { area_code: "415" })],
    ["addOperator", (c) => c.addOperator("9", { user_id: "1" })],
    ["createWebhook", (c) => c.createWebhook("https://h.example/x", "s")],
    ["subscribeToChangelog", (c) => c.subscribeToChangelog("1000")],
  ];
  const repeatables: Call[] = [
    ["getUser", (c) => c.getUser("1")],
    ["updateUser", (c) => c.updateUser("1", { state: "suspended" })],
    ["deleteUser", (c) => c.deleteUser("1")],
    ["unassignNumber", (c) => c.unassignNumber("1", "+14155550100")],
    ["removeOperator", (c) => c.removeOperator("9", "1")],
    ["listOperators", (c) => c.listOperators("9")],
  ];

  it.each(creates)("%s after a 5xx: transient, ambiguous, sent once", async (_name, call) => {
    server.setHandler(() => unavailable);
    const { client, delays } = testClient(server.baseUrl);
    const error = (await rejectionOf(call(client))) as DialpadError;
    expect(error).toMatchObject({ kind: "transient", status: 503, ambiguous: true, retryable: true });
    expect(error.message).toMatch(/may have been applied/);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it.each(repeatables)("%s after a 5xx: repeated until it succeeds", async (_name, call) => {
    server.setHandler(sequence(unavailable, json({}, 504), ok));
    const { client } = testClient(server.baseUrl);
    await call(client);
    expect(server.requests).toHaveLength(3);
  });

  it("a create that times out is ambiguous and not repeated", async () => {
    server.setHandler(() => ({ hang: true }));
    const { client, metrics } = testClient(server.baseUrl, { timeoutMs: 150 });
    const error = (await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }))) as DialpadError;
    expect(error).toMatchObject({ kind: "transient", ambiguous: true, status: undefined });
    expect(error.message).toMatch(/POST \/users timed out after 150 ms/);
    expect(server.requests).toHaveLength(1);
    expect(metrics.samples.map((s) => s.status)).toEqual(["timeout"]);
  });

  it("a GET that times out is repeated", async () => {
    server.setHandler(sequence({ hang: true }, ok));
    const { client, metrics } = testClient(server.baseUrl, { timeoutMs: 150 });
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(metrics.samples.map((s) => s.status)).toEqual(["timeout", 200]);
  });

  it("a connection dropped after the request was sent: ambiguous for a create, repeated for a GET", async () => {
    server.setHandler(() => ({ destroy: true }));
    const { client, metrics } = testClient(server.baseUrl);
    const error = await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }));
    expect(error).toMatchObject({ kind: "transient", ambiguous: true });
    expect(server.requests).toHaveLength(1);
    expect(metrics.samples.map((s) => s.status)).toEqual(["network_error"]);

    server.requests.length = 0;
    server.setHandler(sequence({ destroy: true }, ok));
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(server.requests).toHaveLength(2);
  });

  it("a connection refused (nothing sent) is repeated even for a create", async () => {
    const closedPort = await freePort();
    const { client, metrics, delays } = testClient(`http://127.0.0.1:${closedPort}/api/v2`, {
      maxAttempts: 3,
    });
    const error = (await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }))) as DialpadError;
    expect(error).toMatchObject({ kind: "transient", ambiguous: false });
    expect(error.message).toMatch(/connection failed \(ECONNREFUSED\) \(gave up after 3 attempts\)/);
    expect(metrics.samples.map((s) => s.status)).toEqual(["network_error", "network_error", "network_error"]);
    expect(delays).toHaveLength(2);
  });

  it("a create refused once, then accepted, succeeds", async () => {
    server.setHandler(() => ok);
    let calls = 0;
    const refusingOnce: typeof fetch = (input, init) => {
      calls++;
      if (calls === 1) {
        return Promise.reject(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }));
      }
      return fetch(input, init);
    };
    const { client } = testClient(server.baseUrl, { fetch: refusingOnce });
    await expect(client.createUser({ email: "a@x.io", office_id: "5" })).resolves.toMatchObject({ id: "1" });
    expect(server.requests).toHaveLength(1);
  });
});

/** A port nothing listens on: bind one, then release it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
