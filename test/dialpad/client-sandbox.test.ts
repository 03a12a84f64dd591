/**
 * DialpadClient against the Dialpad sandbox over HTTP: pagination of a real-sized company, seat
 * exhaustion, key rotation, injected 429 bursts and 5xx faults under a rate limiter, Retry-After,
 * the DELETE operator body, and the API key kept out of every error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { DialpadClient } from "../../shared/dialpad/client";
import { DialpadError } from "../../shared/dialpad/errors";
import { collect, recordingSleep, rejectionOf, rotatingKey, staticKey, testClient } from "./client-fixtures";
import { TokenBucketLimiter } from "./token-bucket-limiter";

const SANDBOX_KEY = "sbx-key-4d1f0e2b9a7c6583";

describe("DialpadClient against the sandbox", () => {
  let sandbox: Sandbox;
  const client = (overrides: Parameters<typeof testClient>[1] = {}) =>
    testClient(sandbox.baseUrl, { apiKey: staticKey(SANDBOX_KEY), ...overrides });

  beforeAll(async () => {
    // Functional checks: no latency, and a limit high enough that only injected 429s happen.
    sandbox = await startSandbox({
      apiKey: SANDBOX_KEY,
      latencyMs: 0,
      jitterMs: 0,
      rateLimitPerSecond: 10_000,
    });
  });
  afterEach(() => {
    sandbox.clearFaults();
    sandbox.resetStats();
  });
  afterAll(() => sandbox.stop());

  it("lists 260 users across pages of 100, never sending limit", async () => {
    sandbox.seed.users(260);
    const { client: api } = client();
    const users = await collect(api.listUsers());

    const expected = sandbox.state.users().map((u) => u.id);
    expect(expected.length).toBeGreaterThanOrEqual(260);
    expect(users.map((u) => u.id).sort()).toEqual([...expected].sort());
    const userListings = sandbox.stats().recentRequests.filter((r) => r.route === "GET /users");
    expect(userListings).toHaveLength(Math.ceil(expected.length / 100));
    expect(userListings.every((r) => !("limit" in r.query))).toBe(true);

    const found = await api.findUsersByEmail("seed-user-0137@example.com");
    expect(found).toHaveLength(1);
    expect(found[0]?.emails).toEqual(["seed-user-0137@example.com"]);
  });

  it("lists every office and call center across pages", async () => {
    const { client: api } = client();
    const offices = await collect(api.listOffices());
    expect(offices.map((o) => o.id).sort()).toEqual(
      sandbox.state
        .offices()
        .map((o) => o.id)
        .sort(),
    );
    const hq = sandbox.state.office("HQ")!;
    const inHq = await collect(api.listCallCenters({ officeId: hq.id }));
    expect(inHq.map((c) => c.name).sort()).toEqual(["Sales", "Support"]);
  });

  it("answers no_seats when the office has no licence left, and reads the counts", async () => {
    const remote = sandbox.state.office("Remote")!;
    sandbox.seed.seats(remote.id, { talk_lines: 1 });
    const { client: api } = client();
    expect((await api.getAvailableLicenses(remote.id)).talk_lines).toBe(1);

    await api.createUser({ email: "first@example.com", office_id: remote.id, license: "talk" });
    const error = await rejectionOf(api.createUser({ email: "second@example.com", office_id: remote.id }));
    expect(error).toBeInstanceOf(DialpadError);
    expect(error).toMatchObject({ kind: "no_seats", status: 400, retryable: false, route: "/users" });
    expect((error as Error).message).toMatch(/No available licenses/);
    expect(sandbox.state.userByEmail("second@example.com")).toBeUndefined();
  });

  it("sends removeOperator's {user_id} in the DELETE body, and the sandbox acts on it", async () => {
    const { client: api } = client();
    const support = sandbox.state.callCenter("Support")!;
    const user = await api.createUser({ email: "operator@example.com", office_id: support.officeId });
    await api.addOperator(support.id, { user_id: user.id, role: "operator" });
    expect((await api.listOperators(support.id)).users?.map((u) => u.id)).toContain(user.id);

    await api.removeOperator(support.id, user.id);
    const removal = sandbox
      .stats()
      .recentRequests.find((r) => r.route === "DELETE /callcenters/{id}/operators");
    expect(removal?.body).toEqual({ user_id: user.id });
    expect(removal?.status).toBe(200);
    expect(sandbox.state.callCenter("Support")!.operators.map((o) => o.userId)).not.toContain(user.id);
  });

  it("assigns and unassigns a number, reading the number from the answer", async () => {
    const { client: api } = client();
    const user = await api.createUser({
      email: "numbered@example.com",
      office_id: sandbox.state.office("HQ")!.id,
    });
    const assigned = await api.assignNumber(user.id, { area_code: "415", primary: true });
    expect(assigned.number).toMatch(/^\+1415/);
    expect((await api.getUser(user.id)).phone_numbers).toContain(assigned.number);
    const released = await api.unassignNumber(user.id, assigned.number!);
    expect(released.number).toBe(assigned.number);
    expect((await api.getUser(user.id)).phone_numbers ?? []).not.toContain(assigned.number);
  });

  it("suspends, then deletes a user, which answers state deleted", async () => {
    const { client: api } = client();
    const user = await api.createUser({
      email: "leaver@example.com",
      office_id: sandbox.state.office("HQ")!.id,
    });
    expect((await api.updateUser(user.id, { state: "suspended" })).state).toBe("suspended");
    expect((await api.deleteUser(user.id)).state).toBe("deleted");
    expect(await rejectionOf(api.getUser("999999999999"))).toMatchObject({ kind: "not_found", status: 404 });
  });

  it("creates a webhook and subscribes it to the change log", async () => {
    const { client: api } = client();
    const hook = await api.createWebhook("http://127.0.0.1:9/hook", "webhook-secret");
    await api.subscribeToChangelog(hook.id);
    expect(sandbox.state.snapshot().webhooks).toContainEqual(
      expect.objectContaining({ id: hook.id, signed: true, subscribed: true }),
    );
  });

  it("re-reads a rotated key after a 401 and goes on", async () => {
    const apiKey = rotatingKey("stale-key", SANDBOX_KEY);
    const { client: api } = testClient(sandbox.baseUrl, { apiKey });
    const hq = sandbox.state.office("HQ")!;
    expect((await api.getAvailableLicenses(hq.id)).talk_lines).toBeGreaterThan(0);
    expect(apiKey.refreshes).toBe(1);
  });

  it("honours Retry-After in seconds and as an HTTP date (measured through the injected sleep)", async () => {
    const hq = sandbox.state.office("HQ")!;
    sandbox.injectFaults({
      kind: "rate-limit",
      retryAfter: "seconds",
      retryAfterSeconds: 2,
      route: "/offices/{office_id}/available_licenses",
    });
    const seconds = client();
    await seconds.client.getAvailableLicenses(hq.id);
    expect(seconds.delays).toEqual([2000]);
    expect(seconds.limiter.throttles).toEqual([2000]);

    sandbox.injectFaults({ kind: "rate-limit", retryAfter: "http-date", retryAfterSeconds: 3 });
    const date = client();
    await date.client.getAvailableLicenses(hq.id);
    // An HTTP date has whole seconds: 3 s from the sandbox's clock, truncated.
    expect(date.delays).toHaveLength(1);
    expect(date.delays[0]).toBeGreaterThan(1900);
    expect(date.delays[0]).toBeLessThanOrEqual(3000);

    sandbox.injectFaults({ kind: "rate-limit", retryAfter: "none" });
    const none = client();
    await none.client.getAvailableLicenses(hq.id);
    expect(none.delays).toEqual([100]);
    expect(none.limiter.throttles).toEqual([undefined]);
    expect(sandbox.stats().tooManyRequestsSent).toBe(3);
  });

  it("a create that times out is ambiguous and not repeated; the caller can look before retrying", async () => {
    sandbox.injectFaults({ kind: "timeout", method: "POST", route: "/users", hangMs: 2_000 });
    const { client: api } = client({ timeoutMs: 200 });
    const hq = sandbox.state.office("HQ")!;
    const error = await rejectionOf(api.createUser({ email: "maybe@example.com", office_id: hq.id }));
    expect(error).toMatchObject({ kind: "transient", ambiguous: true });
    expect(sandbox.stats().requestsByRoute["POST /users"]).toBe(1);
    expect(await api.findUsersByEmail("maybe@example.com")).toEqual([]);
  });

  it("keeps the API key out of every error message", async () => {
    const errors: unknown[] = [];
    const { client: good } = client({ maxAttempts: 2, timeoutMs: 200 });
    const { client: bad } = testClient(sandbox.baseUrl, { apiKey: staticKey(`${SANDBOX_KEY}-wrong`) });
    const hq = sandbox.state.office("HQ")!;
    sandbox.seed.seats(hq.id, { sell_lines: 0 });
    errors.push(await rejectionOf(bad.getUser("1")));
    errors.push(await rejectionOf(good.getUser("999999999999")));
    errors.push(
      await rejectionOf(good.createUser({ email: "x@example.com", office_id: hq.id, license: "agents" })),
    );
    errors.push(await rejectionOf(good.createUser({ email: "not-an-email", office_id: "999999999999" })));
    sandbox.injectFaults({ kind: "error", status: 503, count: 2 });
    errors.push(await rejectionOf(good.getUser("1")));
    sandbox.injectFaults({ kind: "rate-limit", count: 2 });
    errors.push(await rejectionOf(good.getUser("1")));
    sandbox.injectFaults({ kind: "timeout", count: 2, hangMs: 1_000 });
    errors.push(await rejectionOf(good.getUser("1")));

    expect(errors.map((e) => (e as DialpadError).kind)).toEqual([
      "unauthorized",
      "not_found",
      "no_seats",
      expect.stringMatching(/rejected|not_found/),
      "transient",
      "rate_limited",
      "transient",
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DialpadError);
      const text = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
      expect(text).not.toContain(SANDBOX_KEY);
    }
  });
});

describe("DialpadClient under load against the sandbox's 20 req/s", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      apiKey: SANDBOX_KEY,
      latencyMs: 20,
      jitterMs: 10,
      rateLimitPerSecond: 20,
    });
  });
  afterAll(() => sandbox.stop());

  it("retries 429 bursts and 5xx faults to success while staying under the limit", async () => {
    // capacity 4 + 14/s: at most 18 requests start in any second, under Dialpad's 20.
    const limiter = new TokenBucketLimiter(14, 4);
    const sleeper = recordingSleep();
    const api = new DialpadClient({
      baseUrl: sandbox.baseUrl,
      apiKey: staticKey(SANDBOX_KEY),
      rateLimiter: limiter,
      baseDelayMs: 20,
      maxDelayMs: 200,
      // Back-off waits are recorded; pacing comes from the limiter, which onThrottled pauses.
      sleep: sleeper.sleep,
    });
    const hq = sandbox.state.office("HQ")!;
    sandbox.injectFaults({
      kind: "rate-limit",
      method: "POST",
      route: "/users",
      count: 3,
      retryAfterSeconds: 1,
    });
    sandbox.injectFaults({ kind: "error", status: 503, method: "GET", route: "/users/{id}", count: 4 });
    sandbox.injectFaults({
      kind: "rate-limit",
      method: "GET",
      route: "/users/{id}",
      count: 2,
      retryAfter: "none",
    });
    sandbox.injectFaults({ kind: "error", status: 502, method: "PATCH", route: "/users/{id}", count: 2 });

    const emails = Array.from({ length: 8 }, (_, i) => `load-${i}@example.com`);
    const created = await Promise.all(emails.map((email) => api.createUser({ email, office_id: hq.id })));
    const ids = created.map((u) => u.id);
    const [read, patched] = await Promise.all([
      Promise.all([...ids, ...ids].map((id) => api.getUser(id))),
      Promise.all(ids.map((id) => api.updateUser(id, { job_title: "Tester" }))),
    ]);

    expect(read).toHaveLength(16);
    expect(patched.every((u) => u.job_title === "Tester")).toBe(true);
    expect(
      sandbox.state.users({ state: "active" }).filter((u) => emails.includes(u.emails[0] ?? "")),
    ).toHaveLength(8);
    const stats = sandbox.stats();
    // Only the injected 429s: the limiter never let the sandbox's own limit trip.
    expect(stats.tooManyRequestsSent).toBe(5);
    expect(stats.serverErrorsSent).toBe(6);
    expect(stats.totalRequests).toBe(8 + 16 + 8 + 5 + 6);
    expect(stats.peakRequestsPerSecond).toBeLessThanOrEqual(20);
    expect(limiter.throttled.filter((ms) => ms === 1000)).toHaveLength(3);
    expect(sleeper.delays.filter((ms) => ms === 1000)).toHaveLength(3);
  });
});
