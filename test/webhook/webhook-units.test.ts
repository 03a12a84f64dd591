/**
 * The webhook's pure parts: reading the secret (bare or rotating JSON), the re-read on an unknown
 * signature, reading both event shapes, and the sync decision's table. Plus a deleted-by-hand user
 * cancelling the person's queued onboarding (only one asked before the deletion).
 */

import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUSPENSION_FIELDS } from "../../shared/lifecycle/lifecycle-policy";
import type { Person } from "../../shared/lifecycle/model";
import { systemClock } from "../../shared/lifecycle/ports";
import { SecretReadError } from "../../shared/secrets/secret-source";
import { eventIdOf, readDialpadEvent } from "../../shared/webhook/dialpad-event";
import { decideSync } from "../../shared/webhook/sync-decision";
import { syncUser } from "../../shared/webhook/sync-user";
import { InvalidEventSignature, verifyEventToken } from "../../shared/webhook/verify-event-token";
import { WebhookKeyring, webhookKeysFromSecretValue } from "../../shared/webhook/webhook-keys";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const text = (keys: Uint8Array[]) => keys.map((key) => new TextDecoder().decode(key));

describe("webhook keys", () => {
  it("reads a bare secret and the rotation JSON, skipping an empty previous", () => {
    expect(text(webhookKeysFromSecretValue(" s3cret \n"))).toEqual(["s3cret"]);
    expect(text(webhookKeysFromSecretValue('{"current":"new","previous":"old"}'))).toEqual(["new", "old"]);
    expect(text(webhookKeysFromSecretValue('{"current":"new","previous":""}'))).toEqual(["new"]);
    for (const bad of ["", "{not json", '{"previous":"old"}', '{"current":""}'])
      expect(() => webhookKeysFromSecretValue(bad)).toThrow(SecretReadError);
  });

  it("re-reads the secret once a minute at most when a signature matches no cached key", async () => {
    let value = "old";
    const reads: boolean[] = [];
    let now = 0;
    const keyring = new WebhookKeyring(
      {
        get: async (_name: string, options?: { forceFetch?: boolean }) => {
          reads.push(options?.forceFetch ?? false);
          return value;
        },
      },
      "webhook_secret",
      () => now,
    );
    const token = await new SignJWT({ action: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("new"));
    await expect(verifyEventToken(token, await keyring.keys(), new Date())).rejects.toBeInstanceOf(
      InvalidEventSignature,
    );
    value = "new";
    const fresh = await keyring.refreshedKeys();
    expect(fresh && text(fresh)).toEqual(["new"]);
    expect(await keyring.refreshedKeys()).toBeUndefined();
    now = 61_000;
    expect(await keyring.refreshedKeys()).toBeDefined();
    expect(reads).toEqual([false, true, true]);
  });
});

describe("reading events", () => {
  it("reads change-log events, the user.* shape, and anything else as other", () => {
    expect(
      readDialpadEvent({
        action: "user_suspended",
        target: { type: "user", id: 5137304475768569001n.toString() },
        date: 0,
      }),
    ).toEqual({
      kind: "user",
      action: "user_suspended",
      userId: "5137304475768569001",
      occurredAt: "1970-01-01T00:00:00.000Z",
    });
    expect(readDialpadEvent({ type: "user.deleted", user: { id: "42" } })).toMatchObject({
      kind: "user",
      userId: "42",
    });
    expect(readDialpadEvent({ type: "user.created", data: { id: 7 } })).toMatchObject({
      kind: "user",
      userId: "7",
    });
    expect(readDialpadEvent({ action: "created", target: { type: "office", id: "1" } })).toEqual({
      kind: "other",
      action: "office:created",
    });
    expect(readDialpadEvent({ something: "else" })).toEqual({ kind: "other", action: "unknown" });
    expect(eventIdOf({ a: 1, b: 2 })).toBe(eventIdOf({ b: 2, a: 1 }));
  });
});

describe("verifying and reading a signed event", () => {
  const secret = new TextEncoder().encode("event-secret");
  const now = new Date("2024-06-01T00:00:00.000Z");
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  /** Signs a payload given as raw JSON text, so ids can be bare numbers beyond 2^53. */
  const signRaw = async (json: string) => {
    const segment = (text: string) => Buffer.from(text).toString("base64url");
    const signingInput = `${segment('{"alg":"HS256","typ":"JWT"}')}.${segment(json)}`;
    return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
  };

  it("keeps a user id above 2^53 sent as a bare JSON number, and reads target.type in any case", async () => {
    const token = await signRaw(
      '{"action":"user_suspended","target":{"type":"USER","id":5137304475768569001}}',
    );
    const payload = await verifyEventToken(token, [secret], now);
    expect(readDialpadEvent(payload)).toEqual({
      kind: "user",
      action: "user_suspended",
      userId: "5137304475768569001",
    });
    expect(readDialpadEvent({ action: "x", target: { type: "User", id: "1" } })).toMatchObject({
      kind: "user",
    });
  });

  it("honours exp and nbf when present and needs neither", async () => {
    const sign = (claims: { exp?: number; nbf?: number }) => {
      const jwt = new SignJWT({ action: "x" }).setProtectedHeader({ alg: "HS256" });
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
      return jwt.sign(secret);
    };
    const hourAgo = seconds(now) - 3600;
    const inAnHour = seconds(now) + 3600;
    await expect(verifyEventToken(await sign({ exp: hourAgo }), [secret], now)).rejects.toMatchObject({
      problem: "expired",
    });
    await expect(verifyEventToken(await sign({ nbf: inAnHour }), [secret], now)).rejects.toMatchObject({
      problem: "invalid",
    });
    await expect(
      verifyEventToken(await sign({ exp: inAnHour, nbf: hourAgo }), [secret], now),
    ).resolves.toMatchObject({
      action: "x",
    });
    await expect(verifyEventToken(await sign({}), [secret], now)).resolves.toMatchObject({ action: "x" });
  });
});

describe("the sync decision", () => {
  const now = new Date("2024-06-01T00:00:00.000Z");
  const person = (fields: Partial<Person>): Person => ({
    email: "p@example.com",
    user_id: "1",
    state: "active",
    updated_at: "x",
    ...fields,
  });
  const decide = (
    fields: Partial<Person>,
    state: "active" | "suspended" | "deleted" | "pending",
    office_id?: string,
  ) => decideSync(person(fields), { id: "1", state, ...(office_id ? { office_id } : {}) }, now, 30, "e1");

  it("follows deletions, suspensions (starting the retention clock) and reactivations; leaves the rest", () => {
    expect(decide({}, "deleted")).toMatchObject({
      change: { set: { state: "deleted" } },
      cancelQueuedOnboard: true,
    });
    // A suspension by hand starts the clock but never leads to deletion without an approval.
    expect(decide({}, "suspended").change?.set).toMatchObject({
      state: "suspended",
      suspended_at: now.toISOString(),
      delete_after: "2024-07-01T00:00:00.000Z",
      deletion_requires_approval: true,
    });
    const reactivated = decide({ state: "suspended", delete_after: "2024-06-10T00:00:00.000Z" }, "active");
    expect(reactivated.change?.remove).toEqual([...SUSPENSION_FIELDS]);
    expect(reactivated.change?.history).toMatchObject({ action: "reactivated_by_hand", source: "webhook" });
    expect(
      decide({ state: "suspended", delete_after: "2024-06-10T00:00:00.000Z" }, "suspended").change,
    ).toBeUndefined();
    expect(decide({}, "active").change).toBeUndefined();
    expect(decide({}, "pending").change).toBeUndefined();
    expect(decide({ state: "deleted" }, "active").change).toBeUndefined();
    expect(decide({ state: "deleted" }, "deleted").change).toBeUndefined();
    expect(decide({ office_id: "10" }, "active", "11").change?.history.action).toBe("office_changed_by_hand");
  });
});

describe("a user deleted by hand", () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
  });
  afterAll(() => h.stop());

  it("cancels the person's onboarding queued before the deletion, and not one queued after it", async () => {
    const email = "gone@example.com";
    const user = h.sandbox.byHand.createUser({ email });
    const at = new Date().toISOString();
    await h.service.people.apply(email, {
      set: { state: "active", user_id: user.id, updated_at: at },
      history: { at, action: "onboarded", source: "worker" },
      historyId: "test#onboarded",
    });
    const queuedBefore = await h.onboard({ email, first_name: "Before" });
    const deletedAt = new Date().toISOString();
    h.sandbox.byHand.deleteUser(user.id);
    const deps = {
      dialpad: h.service.dialpad.urgent,
      people: h.service.people,
      jobs: h.service.jobs,
      userSyncs: h.service.userSyncs,
      clock: systemClock,
      retentionDays: 30,
    };
    const outcome = await syncUser(
      { type: "user_sync", user_id: user.id, event_id: "e-1", occurred_at: deletedAt },
      deps,
    );
    expect(outcome).toMatchObject({
      status: "applied",
      action: "deleted_by_hand",
      cancelled_onboard_job_id: queuedBefore.job.job_id,
    });
    const cancelled = await h.service.jobs.get(queuedBefore.job.job_id);
    expect(cancelled?.status).toBe("cancelled");
    expect(cancelled?.cancel_reason).toMatch(/deleted outside this service/);

    // A fresh onboarding asked after the deletion is what the requester wants now: left queued.
    const queuedAfter = await h.onboard({ email, first_name: "After" }, "after-deletion");
    await h.service.people.apply(email, {
      set: { state: "active", updated_at: at },
      history: { at, action: "test_reset", source: "worker" },
      historyId: "test#reset",
    });
    const deletedBeforeAsked = new Date(Date.parse(queuedAfter.job.created_at) - 1000).toISOString();
    const again = await syncUser(
      { type: "user_sync", user_id: user.id, event_id: "e-2", occurred_at: deletedBeforeAsked },
      deps,
    );
    expect(again).toMatchObject({ status: "applied", action: "deleted_by_hand" });
    expect(again).not.toHaveProperty("cancelled_onboard_job_id");
    expect((await h.service.jobs.get(queuedAfter.job.job_id))?.status).toBe("queued");
  });
});
