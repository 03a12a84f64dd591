/**
 * Change-log webhooks: register + subscribe over the API, then every user change (through the API
 * or by hand) is delivered as a compact JWS signed HS256 with the hook's secret; delivery is
 * asynchronous and retried on 5xx only.
 */
import { decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChangeLogEvent, type Sandbox, startSandbox } from "../../local/sandbox/index";
import { startHookListener } from "./support/hook-listener";
import { dialpadHttp, eventually, FAST } from "./support/sandbox-http";

const SECRET = "hook-secret-for-tests";
const key = new TextEncoder().encode(SECRET);

let sandbox: Sandbox;
let api: ReturnType<typeof dialpadHttp>;
let hqId: string;
let listener: Awaited<ReturnType<typeof startHookListener>> | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ ...FAST, webhookRetryDelaysMs: [20, 40, 80] });
  api = dialpadHttp(sandbox);
  hqId = sandbox.state.office("HQ")!.id;
});
afterEach(async () => {
  await sandbox.stop();
  await listener?.stop();
  listener = undefined;
});

async function subscribe(hookUrl: string, secret: string | null = SECRET) {
  const webhook = await api.post("/webhooks", { hook_url: hookUrl, ...(secret ? { secret } : {}) });
  expect(webhook.status).toBe(200);
  const subscription = await api.post("/subscriptions/changelog", {
    endpoint_id: webhook.body.id,
    enabled: true,
  });
  expect(subscription.status).toBe(200);
  return { webhook: webhook.body, subscription: subscription.body };
}

async function verifiedEvents(count: number): Promise<ChangeLogEvent[]> {
  const deliveries = await eventually(() =>
    listener!.deliveries.length >= count ? listener!.deliveries : undefined,
  );
  return Promise.all(
    deliveries.map(async ({ body }) => {
      expect(decodeProtectedHeader(body).alg).toBe("HS256");
      const { payload } = await jwtVerify(body, key, { algorithms: ["HS256"] });
      return payload as unknown as ChangeLogEvent;
    }),
  );
}

describe("registration", () => {
  it("answers the webhook with its signature settings and the subscription with its webhook", async () => {
    const { webhook, subscription } = await subscribe("http://127.0.0.1:9/hook");
    expect(webhook).toMatchObject({
      hook_url: "http://127.0.0.1:9/hook",
      signature: { algo: "HS256", type: "jwt" },
    });
    expect(subscription).toMatchObject({ enabled: true, webhook: { id: webhook.id } });
  });

  it("refuses a missing hook_url or endpoint_id (400), an unknown webhook (404), and a key without the scope (403)", async () => {
    expect((await api.post("/webhooks", { secret: "x" })).status).toBe(400);
    expect((await api.post("/subscriptions/changelog", { enabled: true })).status).toBe(400);
    expect((await api.post("/subscriptions/changelog", { endpoint_id: "123" })).status).toBe(404);
    sandbox.configure({ changeLogScope: false });
    const { id } = (await api.post("/webhooks", { hook_url: "http://127.0.0.1:9/hook" })).body;
    expect((await api.post("/subscriptions/changelog", { endpoint_id: id })).status).toBe(403);
  });
});

describe("delivery", () => {
  it("delivers API changes as HS256 JWTs verifiable with the secret", async () => {
    listener = await startHookListener();
    await subscribe(listener.url);
    const user = (await api.post("/users", { email: "hooked@example.com", office_id: hqId })).body;
    await api.patch(`/users/${user.id}`, { first_name: "Hook" });
    await api.patch(`/users/${user.id}`, { state: "suspended" });
    await api.patch(`/users/${user.id}`, { state: "active" });
    await api.delete(`/users/${user.id}`);

    // Deliveries run concurrently, so (as with Dialpad) they may arrive out of order.
    const events = await verifiedEvents(5);
    expect(events.map((e) => e.action).sort()).toEqual([
      "user_created",
      "user_deleted",
      "user_reactivated",
      "user_suspended",
      "user_updated",
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        target: { type: "user", id: user.id },
        changed_by: { name: expect.any(String), id: expect.any(String), type: "api_key" },
        note: expect.any(String),
        additional_data: expect.any(Object),
      });
      expect(event.date).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(listener.deliveries[0]!.body.split(".")).toHaveLength(3);
    await expect(
      jwtVerify(listener.deliveries[0]!.body, new TextEncoder().encode("wrong")),
    ).rejects.toThrow();
  });

  it("delivers by-hand admin actions too", async () => {
    listener = await startHookListener();
    await subscribe(listener.url);
    const support = sandbox.state.callCenter("Support")!.id;
    const user = sandbox.byHand.createUser({ email: "ui@example.com", firstName: "Ui" });
    await api.post(`/callcenters/${support}/operators`, { user_id: user.id });
    sandbox.byHand.removeOperator(support, user.id);
    sandbox.byHand.suspendUser(user.id);
    sandbox.byHand.reactivateUser(user.id);
    sandbox.byHand.deleteUser(user.id);

    const events = await verifiedEvents(6);
    expect(events.map((e) => `${e.action} by ${e.changed_by.type}`).sort()).toEqual([
      "user_created by user",
      "user_deleted by user",
      "user_reactivated by user",
      "user_suspended by user",
      "user_updated by api_key",
      "user_updated by user",
    ]);
    expect(sandbox.state.user(user.id)!.state).toBe("deleted");
  });

  it("retries on 5xx until delivered", async () => {
    listener = await startHookListener((attempt) => (attempt <= 2 ? 503 : 200));
    await subscribe(listener.url);
    sandbox.byHand.createUser({ email: "retry@example.com" });
    await sandbox.webhooksIdle();
    expect(listener.deliveries).toHaveLength(3);
    expect(new Set(listener.deliveries.map((d) => d.body)).size).toBe(1);
    expect(sandbox.webhookDeliveries()).toEqual([
      expect.objectContaining({ outcome: "delivered", attempts: 3 }),
    ]);
  });

  it("gives up after a few retries, and never retries a 4xx (429 included)", async () => {
    listener = await startHookListener(() => 500);
    await subscribe(listener.url);
    sandbox.byHand.createUser({ email: "down@example.com" });
    await sandbox.webhooksIdle();
    expect(listener.deliveries).toHaveLength(4);
    await listener.stop();

    listener = await startHookListener(() => 429);
    await subscribe(listener.url);
    sandbox.byHand.createUser({ email: "busy@example.com" });
    await sandbox.webhooksIdle();
    expect(listener.deliveries).toHaveLength(1);
    expect(sandbox.webhookDeliveries().at(-1)).toMatchObject({
      outcome: "dropped",
      lastStatus: 429,
      attempts: 1,
    });
  });

  it("sends plain JSON when the webhook has no secret", async () => {
    listener = await startHookListener();
    await subscribe(listener.url, null);
    sandbox.byHand.createUser({ email: "plain@example.com" });
    const [delivery] = await eventually(() =>
      listener!.deliveries.length > 0 ? listener!.deliveries : undefined,
    );
    expect(delivery!.contentType).toContain("application/json");
    expect(JSON.parse(delivery!.body)).toMatchObject({ action: "user_created" });
  });

  it("never delays the API answer, even when the hook hangs", async () => {
    const { createServer } = await import("node:http");
    const hanging = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const port = (hanging.address() as { port: number }).port;
    try {
      await subscribe(`http://127.0.0.1:${port}/hook`);
      const started = performance.now();
      expect((await api.post("/users", { email: "fast@example.com", office_id: hqId })).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await sandbox.stop();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      sandbox = await startSandbox(FAST);
    }
  });

  it("sends nothing without an enabled subscription", async () => {
    listener = await startHookListener();
    const webhook = await api.post("/webhooks", { hook_url: listener.url, secret: SECRET });
    await api.post("/subscriptions/changelog", { endpoint_id: webhook.body.id, enabled: false });
    sandbox.byHand.createUser({ email: "quiet@example.com" });
    await sandbox.webhooksIdle();
    expect(listener.deliveries).toHaveLength(0);
  });
});
