/**
 * How Dialpad's answers become typed errors: status mapping, seat exhaustion, key refresh after
 * 401, malformed bodies, and the API key kept out of every message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DialpadClient } from "../../shared/dialpad/client";
import { DialpadError, type DialpadErrorKind } from "../../shared/dialpad/errors";
import { rejectionOf, rotatingKey, TEST_KEY, testClient } from "./client-fixtures";
import { json, type ScriptedServer, sequence, startScriptedServer } from "./scripted-server";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(() => server.stop());

const dialpadError = (status: number, message: string) => json({ error: { code: status, message } }, status);

describe("DialpadClient error mapping", () => {
  const cases: [number, string, DialpadErrorKind][] = [
    [400, "No available licenses in office 5", "no_seats"],
    [400, "no licences left for this plan", "no_seats"],
    [400, "Not enough SEATS", "no_seats"],
    [400, "Invalid email address", "rejected"],
    [403, "Key lacks scope", "forbidden"],
    [404, "User not found", "not_found"],
    [409, "Email already in use", "conflict"],
    [422, "Unprocessable", "rejected"],
  ];
  it.each(cases)("%i %j → %s, not retried, with method, route and status", async (status, message, kind) => {
    server.setHandler(() => dialpadError(status, message));
    const { client, delays } = testClient(server.baseUrl);
    const error = await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }));
    expect(error).toBeInstanceOf(DialpadError);
    expect(error).toMatchObject({ kind, status, method: "POST", route: "/users", retryable: false });
    expect((error as Error).message).toContain(message);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("truncates a long Dialpad message and keeps it on one line", async () => {
    server.setHandler(() => dialpadError(400, `bad\nrequest ${"x".repeat(1000)}`));
    const { client } = testClient(server.baseUrl);
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;
    expect(error.kind).toBe("rejected");
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(300);
  });

  it("an error body that is not JSON still maps by status", async () => {
    server.setHandler(() => ({ status: 404, text: "<html>Not Found</html>" }));
    const { client } = testClient(server.baseUrl);
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;
    expect(error).toMatchObject({ kind: "not_found", status: 404 });
    expect(error.message).toBe("Dialpad GET /users/{id} answered 404");
  });

  it("never puts the API key in a message, even when Dialpad echoes it", async () => {
    server.setHandler((request) =>
      dialpadError(400, `Bad header: ${request.headers.authorization ?? ""} is malformed`),
    );
    const { client } = testClient(server.baseUrl);
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;
    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain(TEST_KEY);
    expect(JSON.stringify(error)).not.toContain(TEST_KEY);
    expect(String(error.stack)).not.toContain(TEST_KEY);
  });
});

describe("DialpadClient key refresh", () => {
  it("a 401 re-reads the key once and retries with the new key", async () => {
    server.setHandler((request) =>
      request.headers.authorization === "Bearer new-key"
        ? json({ id: "1" })
        : dialpadError(401, "Invalid key"),
    );
    const apiKey = rotatingKey("old-key", "new-key");
    const { client, delays, limiter } = testClient(server.baseUrl, { apiKey, maxAttempts: 1 });
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(apiKey.refreshes).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer old-key", "Bearer new-key"]);
    expect(delays).toEqual([]);
    expect(limiter.acquired).toBe(2);
  });

  it("still 401 after the refresh → unauthorized, not retryable, refreshed only once", async () => {
    server.setHandler(() => dialpadError(401, "Invalid key"));
    const { client, apiKey } = testClient(server.baseUrl);
    const error = await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401, retryable: false });
    expect(apiKey.refreshes).toBe(1);
    expect(server.requests).toHaveLength(2);
  });
});

describe("DialpadClient malformed responses (a transient protocol fault)", () => {
  it("a GET answered with broken JSON is retried and then succeeds", async () => {
    server.setHandler(sequence({ status: 200, text: '{"id": "1", "emai' }, json({ id: "1" })));
    const { client, delays } = testClient(server.baseUrl);
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it("a GET whose body never validates ends as transient naming the bad field", async () => {
    server.setHandler(() => json({ id: "1", emails: "not-a-list" }));
    const { client } = testClient(server.baseUrl, { maxAttempts: 3 });
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;
    expect(error).toMatchObject({ kind: "transient", retryable: true, ambiguous: false });
    expect(error.message).toMatch(/does not match its schema \(emails: .*\) \(gave up after 3 attempts\)/);
    expect(server.requests).toHaveLength(3);
  });

  it("a response without an id is refused", async () => {
    server.setHandler(() => json({ first_name: "Ada" }));
    const { client } = testClient(server.baseUrl, { maxAttempts: 1 });
    const error = (await rejectionOf(client.getUser("1"))) as DialpadError;
    expect(error.message).toMatch(/id:/);
  });

  it("a create answered 200 with an unreadable body is ambiguous and not repeated", async () => {
    server.setHandler(() => ({ status: 200, text: "<html>gateway</html>" }));
    const { client } = testClient(server.baseUrl);
    const error = (await rejectionOf(client.createUser({ email: "a@x.io", office_id: "5" }))) as DialpadError;
    expect(error).toMatchObject({ kind: "transient", ambiguous: true });
    expect(error.message).toMatch(/not JSON.*may have been applied/);
    expect(server.requests).toHaveLength(1);
  });
});

describe("DialpadClient without injected collaborators", () => {
  it("works with its defaults (real fetch, real sleep, no limiter or metrics)", async () => {
    server.setHandler(sequence(json({}, 502), json({ id: "1" })));
    const client = new DialpadClient({
      baseUrl: `${server.baseUrl}/`,
      apiKey: { get: async () => "k", refresh: async () => "k" },
      baseDelayMs: 1,
    });
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
    expect(server.requests.map((r) => r.path)).toEqual(["/api/v2/users/1", "/api/v2/users/1"]);
  });
});
