/**
 * Movers, legal holds and a leaver's number end to end: local mode (`npm start`) driven only over
 * HTTP (the API and the sandbox's /__sandbox/ routes), with the sandbox's `GET /users` default set
 * to active users only and a company without a reserved pool (an unassigned number is released).
 * A move to London with a new call-center set and first name; a move to an office without seats;
 * an email change; a held leaver with retention 0 is not deleted until the hold is lifted; a
 * leaver's number is parked in its office, still the company's, when the user is deleted.
 * One instance; RETENTION_DAYS=0 and a one-second sweep.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LocalInstance, startLocalInstance } from "./support/local-instance";

interface SandboxSnapshot {
  offices: { id: string; name: string; availableSeats: Record<string, number> }[];
  users: {
    id: string;
    emails: string[];
    state: string;
    officeId: string;
    firstName?: string;
    callCenterIds: string[];
  }[];
  callCenters: { id: string; name: string }[];
  numbers: { number: string; status: string; targetId?: string }[];
}

let local: LocalInstance;
let sandboxUrl: string;

beforeAll(async () => {
  local = await startLocalInstance({
    PORT: "0",
    LOCAL_API_TOKEN: `e2e-${randomUUID()}`,
    RETENTION_DAYS: "0",
    SWEEP_INTERVAL_SECONDS: "1",
    SANDBOX_USERS_DEFAULT_STATE: "active",
    SANDBOX_NO_RESERVED_POOL: "1",
  });
  sandboxUrl = local.sandboxUrl ?? "";
}, 120_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
});

async function snapshot(): Promise<SandboxSnapshot> {
  return (await (await fetch(`${sandboxUrl}/__sandbox/state`)).json()) as SandboxSnapshot;
}
const office = async (name: string) => (await snapshot()).offices.find((o) => o.name === name);
const callCenter = async (name: string) =>
  (await snapshot()).callCenters.find((c) => c.name === name)?.id ?? "";
const dialpadUser = async (id: string) => (await snapshot()).users.find((u) => u.id === id);

/** How many sweeps so far logged a held person on the due list. */
const sweepsSkippingHeld = () => (local.output().match(/"held":\s*[1-9]/g) ?? []).length;

async function finished(jobId: string) {
  return eventually(`job ${jobId} to finish`, async () => {
    const { body } = await local.request("GET", `/v1/jobs/${jobId}`);
    return ["succeeded", "failed", "cancelled"].includes(body.status) ? body : undefined;
  });
}

async function submitted(path: string, body: unknown) {
  const answer = await local.request("POST", path, { body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return finished(answer.body.job_id);
}

async function onboarded(email: string, callCenterIds: string[] = []) {
  const job = await submitted("/v1/onboard", {
    email,
    first_name: "Ada",
    last_name: "Mover",
    office_name: "HQ",
    area_code: "415",
    call_center_ids: callCenterIds,
  });
  expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
  return job.user_id as string;
}

describe("movers, holds and numbers through npm start", () => {
  it("deleting a leaver after retention parks its number in its office: still the company's, the user deleted", async () => {
    const email = `parked-${randomUUID().slice(0, 8)}@example.com`;
    const userId = await onboarded(email);
    const user = await dialpadUser(userId);
    const number = (await snapshot()).numbers.find((n) => n.targetId === userId)?.number ?? "";
    expect(number).toMatch(/^\+1415/);
    expect((await submitted("/v1/offboard", { email, retention_days: 0 })).status).toBe("succeeded");

    const deleted = await eventually("the deletion after retention", async () => {
      const { body } = await local.request("GET", `/v1/users/${encodeURIComponent(email)}`);
      return body.state === "deleted" ? body : undefined;
    });
    expect((await dialpadUser(userId))?.state).toBe("deleted");
    expect((await snapshot()).numbers.find((n) => n.number === number)).toEqual({
      number,
      areaCode: "415",
      status: "office",
      targetId: user?.officeId,
    });
    expect(deleted.history.find((e: { action: string }) => e.action === "numbers_parked")?.detail).toBe(
      `${number} → office ${user?.officeId} (HQ)`,
    );
  });

  it("moves a person to London, into exactly the new call center, renamed, taking one London seat", async () => {
    const [support, sales, londonSupport] = await Promise.all(
      ["Support", "Sales", "London Support"].map(callCenter),
    );
    const userId = await onboarded(`mover-${randomUUID().slice(0, 8)}@example.com`, [
      support ?? "",
      sales ?? "",
    ]);
    const email = (await dialpadUser(userId))?.emails[0] ?? "";
    const londonBefore = await office("London");

    const job = await submitted("/v1/update", {
      email,
      office_name: "London",
      call_center_ids: [londonSupport],
      first_name: "Adeline",
      ticket: { system: "jira", id: `MOVE-${randomUUID().slice(0, 4)}` },
    });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    const user = await dialpadUser(userId);
    expect(user).toMatchObject({
      officeId: londonBefore?.id,
      firstName: "Adeline",
      callCenterIds: [londonSupport],
    });
    expect((await office("London"))?.availableSeats.talk_lines).toBe(
      (londonBefore?.availableSeats.talk_lines ?? 0) - 1,
    );
    const record = await local.request("GET", `/v1/users/${encodeURIComponent(email)}`);
    expect(record.body).toMatchObject({ office_id: londonBefore?.id, state: "active" });
    expect(record.body.history.at(-1)).toMatchObject({ action: "updated", client: "local" });
  });

  it("fails no_seats on a move to an office without seats, with the user where it was", async () => {
    const userId = await onboarded(`stays-${randomUUID().slice(0, 8)}@example.com`);
    const before = await dialpadUser(userId);
    const berlin = await office("Berlin");
    const seeded = await fetch(`${sandboxUrl}/__sandbox/seed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seats: { office_id: berlin?.id, talk_lines: 0 } }),
    });
    expect(seeded.status).toBe(200);
    const job = await submitted("/v1/update", {
      email: before?.emails[0],
      office_name: "Berlin",
      first_name: "Nope",
    });
    expect(job.status).toBe("failed");
    expect(job.error.code).toBe("no_seats");
    expect(await dialpadUser(userId)).toMatchObject({
      officeId: before?.officeId,
      firstName: before?.firstName,
    });
  });

  it("changes the email: the record and its history move to the new email, the old one answers 404", async () => {
    const old = `old-${randomUUID().slice(0, 8)}@example.com`;
    const renamed = `new-${randomUUID().slice(0, 8)}@example.com`;
    const userId = await onboarded(old);
    const job = await submitted("/v1/update", { email: old, new_email: renamed });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect((await dialpadUser(userId))?.emails).toEqual([renamed]);
    expect((await local.request("GET", `/v1/users/${encodeURIComponent(old)}`)).status).toBe(404);
    const record = await local.request("GET", `/v1/users/${encodeURIComponent(renamed)}`);
    expect(record.body.user_id).toBe(userId);
    expect(record.body.history.map((e: { action: string }) => e.action)).toEqual([
      "onboarded",
      "updated",
      "email_changed",
    ]);
  });

  it("does not delete a held leaver with retention 0; lifting the hold lets the sweep delete it", async () => {
    const email = `held-${randomUUID().slice(0, 8)}@example.com`;
    const userId = await onboarded(email);
    const path = `/v1/users/${encodeURIComponent(email)}/hold`;
    expect((await local.request("POST", path, { body: { reason: "litigation" } })).status).toBe(200);
    const off = await submitted("/v1/offboard", { email, retention_days: 0 });
    expect(off.status).toBe("succeeded");
    // A sweep has seen the person due and skipped it for the hold (the sweeper logs its counts).
    const sweepsBefore = sweepsSkippingHeld();
    await eventually("a sweep skipping the held person", () =>
      sweepsSkippingHeld() > sweepsBefore ? true : undefined,
    );
    expect((await dialpadUser(userId))?.state).toBe("suspended");
    const held = await local.request("GET", `/v1/users/${encodeURIComponent(email)}`);
    expect(held.body).toMatchObject({ state: "suspended", hold: { reason: "litigation", by: "local" } });

    expect((await local.request("DELETE", path)).status).toBe(200);
    const deleted = await eventually("the deletion after the hold is lifted", async () => {
      const { body } = await local.request("GET", `/v1/users/${encodeURIComponent(email)}`);
      return body.state === "deleted" ? body : undefined;
    });
    expect(deleted.history.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["hold_placed", "offboarded", "hold_lifted", "deleted"]),
    );
    expect((await dialpadUser(userId))?.state).toBe("deleted");
  });
});
