/**
 * The webhook receiver end to end: the sandbox delivers signed change-log events to the real
 * handler (behind a local listener), the handler queues a user sync, the worker re-reads the user
 * from Dialpad and brings our record in line. Also: duplicates, out-of-order delivery, refusals.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { decodeJwt, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookHandler, type WebhookHandler } from "../../functions/webhook/handler";
import type { HistoryEntry } from "../../shared/lifecycle/model";
import { systemClock } from "../../shared/lifecycle/ports";
import { StaticSecretSource } from "../../shared/secrets/static-secret-source";
import { eventIdOf } from "../../shared/webhook/dialpad-event";
import type { UserSyncOutcome } from "../../shared/webhook/sync-user";
import type { UserSyncMessage } from "../../shared/webhook/user-sync-message";
import { WebhookKeyring } from "../../shared/webhook/webhook-keys";
import { localDocumentClient } from "../support/aws";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";
import { startWebhookEndpoint, type WebhookEndpoint } from "./support/webhook-endpoint";

const SECRET = "current-webhook-secret-for-tests";
const PREVIOUS_SECRET = "previous-webhook-secret-for-tests";
const DAY_MS = 24 * 3600 * 1000;

let h: LifecycleHarness;
let endpoint: WebhookEndpoint;
let receive: WebhookHandler;
const syncs: { message: UserSyncMessage; outcome: UserSyncOutcome }[] = [];
const doc = localDocumentClient();

beforeAll(async () => {
  h = await startLifecycleHarness({
    settings: { retentionDays: 7 },
    sandbox: { webhookRetryDelaysMs: [20, 40] },
    serviceHooks: { onUserSynced: (message, outcome) => syncs.push({ message, outcome }) },
  });
  const secretValue = JSON.stringify({ current: SECRET, previous: PREVIOUS_SECRET });
  receive = createWebhookHandler({
    keys: new WebhookKeyring(new StaticSecretSource({ webhook_secret: secretValue }), "webhook_secret"),
    events: h.service.events,
    userSyncs: h.service.userSyncs,
    clock: systemClock,
  });
  endpoint = await startWebhookEndpoint(receive);
  const hook = await h.service.dialpad.urgent.createWebhook(endpoint.url, SECRET);
  await h.service.dialpad.urgent.subscribeToChangelog(hook.id);
});
afterAll(async () => {
  await h.stop();
  await endpoint.stop();
});

async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Onboards a person and waits until every webhook its onboarding caused has been synced. */
async function onboarded(email: string, extra: { call_center_ids?: string[] } = {}) {
  const { job } = await h.onboard({ email, area_code: "415", ...extra });
  const done = await h.waitForJob(job.job_id);
  expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
  const userId = done.user_id ?? "";
  await settled(userId);
  return userId;
}

/** Every delivery for this user answered, and every sync it queued processed. */
async function settled(userId: string) {
  await h.sandbox.webhooksIdle();
  const queued = () =>
    endpoint.deliveries
      .filter((d) => d.status === 200 && JSON.parse(d.answer).status === "queued")
      .map((d) => decodeJwt(d.body))
      .filter((payload) => (payload.target as { id: string }).id === userId)
      .map((payload) => eventIdOf(payload));
  await eventually(
    () => queued().every((id) => syncs.some((s) => s.message.event_id === id && s.outcome.status !== "busy")),
    `syncs of user ${userId}`,
  );
}

const webhookHistory = async (email: string): Promise<HistoryEntry[]> =>
  ((await h.service.people.getWithHistory(email))?.history ?? []).filter((e) => e.source === "webhook");

const sign = (payload: Record<string, unknown>, secret = SECRET, alg = "HS256") =>
  new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));

const changeLog = (action: string, userId: string) => ({
  action,
  note: "test",
  additional_data: {},
  target: { type: "user", id: userId },
  changed_by: { name: "Someone", id: "1", type: "user" },
  date: Date.now(),
});

const eventItem = (payload: Record<string, unknown>) =>
  doc
    .send(new GetCommand({ TableName: h.tableName, Key: { pk: `EVENT#${eventIdOf(payload)}`, sk: "EVENT" } }))
    .then((result) => result.Item);

describe("changes made by hand in Dialpad reach our records through the webhook", () => {
  it("suspended by hand → suspended with the default retention; reactivated → active, deletion cleared; deleted → deleted", async () => {
    const email = "hand.changes@example.com";
    const userId = await onboarded(email);

    h.sandbox.byHand.suspendUser(userId);
    const suspended = await eventually(async () => {
      const person = await h.service.people.get(email);
      return person?.state === "suspended" ? person : undefined;
    }, "the suspension");
    expect(Date.parse(suspended.delete_after ?? "") - Date.parse(suspended.suspended_at ?? "")).toBe(
      7 * DAY_MS,
    );
    expect((await webhookHistory(email)).map((e) => e.action)).toEqual(["suspended_by_hand"]);

    h.sandbox.byHand.reactivateUser(userId);
    const reactivated = await eventually(async () => {
      const person = await h.service.people.get(email);
      return person?.state === "active" ? person : undefined;
    }, "the reactivation");
    expect(reactivated.delete_after).toBeUndefined();
    expect(reactivated.suspended_at).toBeUndefined();
    const history = await webhookHistory(email);
    expect(history.map((e) => e.action)).toEqual(["suspended_by_hand", "reactivated_by_hand"]);
    expect(history[1]?.detail).toContain("pending deletion");

    h.sandbox.byHand.deleteUser(userId);
    const deleted = await eventually(async () => {
      const person = await h.service.people.get(email);
      return person?.state === "deleted" ? person : undefined;
    }, "the deletion");
    expect(deleted.deleted_at).toBeDefined();
    expect((await webhookHistory(email)).at(-1)?.action).toBe("deleted_by_hand");
  });

  it("applies the same event delivered twice once", async () => {
    const email = "twice@example.com";
    const userId = await onboarded(email);
    h.sandbox.byHand.suspendUser(userId);
    await settled(userId);
    const delivery = endpoint.deliveries.find((d) => {
      const payload = decodeJwt(d.body);
      return payload.action === "user_suspended" && (payload.target as { id: string }).id === userId;
    });
    if (!delivery) throw new Error("the suspension was not delivered");
    expect(JSON.parse(delivery.answer).status).toBe("queued");

    // Dialpad delivers it again: acknowledged, not queued again.
    const replay = await receive({ body: delivery.body, isBase64Encoded: false });
    expect(replay.statusCode).toBe(200);
    expect(JSON.parse(replay.body).status).toBe("duplicate");

    // Even a sync that slipped past de-duplication applies nothing the second time.
    const eventId = eventIdOf(decodeJwt(delivery.body));
    const first = syncs.find((s) => s.message.event_id === eventId && s.outcome.status === "applied");
    if (!first) throw new Error("the suspension was not applied");
    await h.service.userSyncs.enqueue(first.message);
    await eventually(
      () => syncs.filter((s) => s.message.event_id === eventId && s.outcome.status !== "busy").length === 2,
      "the second sync",
    );
    expect(syncs.filter((s) => s.message.event_id === eventId).at(-1)?.outcome.status).toBe("unchanged");
    expect((await webhookHistory(email)).map((e) => e.action)).toEqual(["suspended_by_hand"]);
  });

  it("follows Dialpad's current state when events arrive out of order", async () => {
    const email = "out.of.order@example.com";
    const userId = await onboarded(email);
    endpoint.hold();
    h.sandbox.byHand.suspendUser(userId);
    h.sandbox.byHand.reactivateUser(userId);
    await h.sandbox.webhooksIdle();
    // The sandbox sends its two deliveries concurrently: tell them apart by action, not arrival.
    const held = endpoint.release();
    expect(held).toHaveLength(2);
    const byAction = (action: string) => held.find((body) => decodeJwt(body).action === action);
    const suspendedEvent = byAction("user_suspended");
    const reactivatedEvent = byAction("user_reactivated");
    if (!suspendedEvent || !reactivatedEvent) throw new Error("expected a suspension and a reactivation");

    for (const body of [reactivatedEvent, suspendedEvent]) {
      const answer = await receive({ body, isBase64Encoded: false });
      expect(JSON.parse(answer.body).status).toBe("queued");
    }
    const ids = [reactivatedEvent, suspendedEvent].map((body) => eventIdOf(decodeJwt(body)));
    await eventually(
      () => ids.every((id) => syncs.some((s) => s.message.event_id === id && s.outcome.status !== "busy")),
      "both syncs",
    );
    expect((await h.service.people.get(email))?.state).toBe("active");
    expect(await webhookHistory(email)).toEqual([]);
  });
});

describe("refusals and acknowledgements", () => {
  it("refuses forged, unsigned, alg none, expired, tampered and non-HS256 tokens with 401 and no side effect", async () => {
    const userId = await onboarded("refusals@example.com");
    const payload = changeLog("user_deleted", userId);
    const valid = await sign(payload);
    const [header, , signature] = valid.split(".");
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...payload, note: "changed" })).toString("base64url")}.${signature}`;
    const candidates = {
      forged: await sign(payload, "not-our-secret"),
      unsigned: JSON.stringify(payload),
      alg_none: new UnsecuredJWT(payload).encode(),
      alg_none_with_signature: `${new UnsecuredJWT(payload).encode()}${signature}`,
      expired: await new SignJWT(payload)
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(SECRET)),
      hs512: await sign(payload, SECRET, "HS512"),
      tampered,
      empty: "",
    };
    for (const [name, token] of Object.entries(candidates)) {
      const answer = await receive({ body: token, isBase64Encoded: false });
      expect(answer.statusCode, name).toBe(401);
      expect(JSON.parse(answer.body).error.code, name).toBe("invalid_signature");
    }
    expect(await eventItem(payload)).toBeUndefined();
    expect(await eventItem({ ...payload, note: "changed" })).toBeUndefined();
    expect((await h.service.people.get("refusals@example.com"))?.state).toBe("active");
  });

  it("accepts an event signed with the previous secret during a rotation", async () => {
    const payload = changeLog("user_updated", "5137304475768999001");
    const answer = await receive({ body: await sign(payload, PREVIOUS_SECRET), isBase64Encoded: false });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body).status).toBe("queued");
  });

  it("records and acknowledges unknown event types, and users we have no record of", async () => {
    const other = { type: "call.ringing", data: { call_id: "1" } };
    const ignored = await receive({ body: await sign(other), isBase64Encoded: false });
    expect(ignored.statusCode).toBe(200);
    expect(JSON.parse(ignored.body).status).toBe("ignored");
    expect(await eventItem(other)).toMatchObject({ kind: "other", action: "call.ringing" });

    const stranger = changeLog("user_updated", "5137304475768999002");
    const queued = await receive({ body: await sign(stranger), isBase64Encoded: false });
    expect(JSON.parse(queued.body).status).toBe("queued");
    const outcome = await eventually(
      () => syncs.find((s) => s.message.event_id === eventIdOf(stranger))?.outcome,
      "the stranger's sync",
    );
    expect(outcome.status).toBe("unknown_user");
  });

  it("reads the user.updated shape too", async () => {
    const userId = await onboarded("typed.shape@example.com");
    const typed = { type: "user.updated", data: { id: userId, first_name: "Not trusted" } };
    const answer = await receive({ body: await sign(typed), isBase64Encoded: false });
    expect(JSON.parse(answer.body).status).toBe("queued");
    const outcome = await eventually(
      () =>
        syncs.find((s) => s.message.event_id === eventIdOf(typed) && s.outcome.status !== "busy")?.outcome,
      "the typed event's sync",
    );
    expect(outcome.status).toBe("unchanged");
  });
});
