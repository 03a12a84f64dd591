/**
 * Retention end to end on real parts: offboarding with retention 0, one sweep, the delete job in the
 * worker against the sandbox in its no-reserved-pool mode (call centers left, number parked in the
 * user's office, then DELETE), idempotent sweeps, a reactivation by hand before the deletion and
 * one in the middle of the job, approvals, and a crash part-way.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../shared/lifecycle/model";
import { runSweep, type SweepDeps } from "../../shared/retention/run-sweep";
import { submitDeleteJob } from "../../shared/retention/submit-delete-job";
import { apiOf, callApi } from "../support/api-caller";
import { crashingAfter } from "../support/crash-after";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const sweepDeps = (h: LifecycleHarness, extra: Partial<SweepDeps> = {}): SweepDeps => ({
  kinds: h.service.kinds,
  people: h.service.people,
  jobs: h.service.jobs,
  queue: h.service.queue,
  clock: h.service.clock,
  requireApproval: false,
  ...extra,
});

/** The delete job a sweep made for this person: asking again answers the same job. */
async function deleteJobOf(h: LifecycleHarness, email: string): Promise<Job> {
  const person = await h.service.people.get(email);
  if (!person?.user_id || !person.delete_after) throw new Error(`${email} is not due`);
  const { job, created } = await submitDeleteJob(
    { email, user_id: person.user_id, delete_after: person.delete_after },
    { kinds: h.service.kinds, jobs: h.service.jobs, queue: h.service.queue, clock: h.service.clock },
  );
  expect(created).toBe(false);
  return job;
}

/** Onboards, then offboards with retention 0: the person is due at once. Answers the Dialpad user. */
async function offboardedNow(h: LifecycleHarness, email: string, callCenterIds: string[] = []) {
  const on = await h.onboard({ email, area_code: "212", call_center_ids: callCenterIds });
  const onboarded = await h.waitForJob(on.job.job_id);
  expect(onboarded.status, JSON.stringify(onboarded.steps)).toBe("succeeded");
  const off = await h.offboard({ email, retention_days: 0 });
  expect((await h.waitForJob(off.job.job_id)).status).toBe("succeeded");
  const user = h.sandbox.state.userByEmail(email);
  if (!user) throw new Error(`${email} has no Dialpad user`);
  return user;
}

const requestIndex = (h: LifecycleHarness, method: string, path: string) =>
  h.sandbox
    .stats()
    .recentRequests.findIndex((r) => r.method === method && r.path.endsWith(path) && r.status === 200);

describe("the sweep and the delete job", () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await startLifecycleHarness({ settings: { retentionDays: 0 }, sandbox: { reservedPool: false } });
  });
  afterAll(() => h.stop());

  it("with retention 0, one sweep deletes the user after parking its number in its office; a second sweep does nothing", async () => {
    const email = "leaver@example.com";
    const user = await offboardedNow(h, email);
    const number = user.phoneNumbers[0];
    if (!number) throw new Error("the onboarding assigned no number");
    h.sandbox.resetStats();

    const first = await runSweep(sweepDeps(h));
    expect(first).toMatchObject({ due: 1, created: 1, failed: 0, complete: true });
    const second = await runSweep(sweepDeps(h));
    expect(second.created).toBe(0);

    const job = await h.waitForJob((await deleteJobOf(h, email)).job_id);
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(job.kind).toBe("delete");
    expect(job.steps.map((s) => [s.name, s.status])).toEqual([
      ["reread_user", "succeeded"],
      ["remove_from_call_centers", "skipped"],
      ["park_numbers", "succeeded"],
      ["delete_user", "succeeded"],
      ["record_deletion", "succeeded"],
    ]);
    expect(h.sandbox.state.user(user.id)?.state).toBe("deleted");
    // Still the company's, held by the office: an unassign would have released it (no reserved pool).
    expect(h.sandbox.state.number(number)).toMatchObject({ status: "office", targetId: user.officeId });
    const parked = requestIndex(h, "POST", `/numbers/${encodeURIComponent(number)}/assign`);
    const deleted = requestIndex(h, "DELETE", `/users/${user.id}`);
    expect(parked).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(parked);
    expect(h.sandbox.stats().recentRequests.filter((r) => r.path.includes("unassign"))).toEqual([]);

    const record = await h.service.people.getWithHistory(email);
    expect(record?.person).toMatchObject({ state: "deleted" });
    expect(record?.person.deleted_at).toBeDefined();
    expect(record?.person.delete_after).toBeUndefined();
    expect(record?.history.at(-1)).toMatchObject({
      action: "deleted",
      source: "sweeper",
      job_id: job.job_id,
    });
    expect(record?.history.find((e) => e.action === "numbers_parked")?.detail).toBe(
      `${number} → office ${user.officeId} (HQ)`,
    );

    expect(await runSweep(sweepDeps(h))).toMatchObject({ due: 0, created: 0, existing: 0 });
  });

  it("removes call-center memberships left behind (a suspension by hand keeps them) before deleting", async () => {
    const support = h.sandbox.state.callCenter("Support");
    if (!support) throw new Error("no Support call center");
    const email = "hand.suspended@example.com";
    const on = await h.onboard({ email, area_code: "646", call_center_ids: [support.id] });
    const userId = (await h.waitForJob(on.job.job_id)).user_id ?? "";
    h.sandbox.byHand.suspendUser(userId);
    // What the webhook records for a suspension by hand, with retention 0.
    const now = new Date().toISOString();
    await h.service.people.apply(email, {
      set: { state: "suspended", suspended_at: now, delete_after: now, updated_at: now },
      history: { at: now, action: "suspended_by_hand", source: "webhook" },
      historyId: "test#suspended",
    });
    expect(h.sandbox.state.callCenter("Support")?.operators.map((o) => o.userId)).toContain(userId);
    h.sandbox.resetStats();

    expect((await runSweep(sweepDeps(h))).created).toBe(1);
    const job = await h.waitForJob((await deleteJobOf(h, email)).job_id);
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(job.steps.find((s) => s.name === "remove_from_call_centers")).toMatchObject({
      status: "succeeded",
      detail: `removed from ${support.id}`,
    });
    expect(h.sandbox.state.callCenter("Support")?.operators.map((o) => o.userId)).not.toContain(userId);
    const left = requestIndex(h, "DELETE", `/callcenters/${support.id}/operators`);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(requestIndex(h, "DELETE", `/users/${userId}`)).toBeGreaterThan(left);
  });

  it("does not delete a user reactivated by hand before its deletion, and the record says why", async () => {
    const email = "came.back@example.com";
    const user = await offboardedNow(h, email);
    h.sandbox.byHand.reactivateUser(user.id); // no webhook here: the delete job must notice by itself

    expect((await runSweep(sweepDeps(h))).created).toBe(1);
    const job = await h.waitForJob((await deleteJobOf(h, email)).job_id);
    expect(job.status).toBe("cancelled");
    expect(job.cancel_reason).toMatch(/reactivated/);
    expect(h.sandbox.state.user(user.id)?.state).toBe("active");

    const record = await h.service.people.getWithHistory(email);
    expect(record?.person.state).toBe("active");
    expect(record?.person.delete_after).toBeUndefined();
    expect(record?.history.at(-1)).toMatchObject({ action: "deletion_cancelled", source: "sweeper" });
    expect(record?.history.at(-1)?.detail).toMatch(/is active, not suspended/);
    expect((await runSweep(sweepDeps(h))).due).toBe(0);
  });

  it("with approvals required, sweeps only approved people; approve-deletion answers 404, 409 and 403 when it must", async () => {
    const email = "needs.approval@example.com";
    await offboardedNow(h, email);
    const api = apiOf(h.service);
    const approve = (who: string, scopes = ["approve"], name = "it-ops") =>
      callApi(api, {
        method: "POST",
        path: `/v1/users/${encodeURIComponent(who)}/approve-deletion`,
        client: { name, scopes },
      });

    expect(await runSweep(sweepDeps(h, { requireApproval: true }))).toMatchObject({
      due: 1,
      awaiting_approval: 1,
      created: 0,
    });
    expect((await approve(email, ["read"])).status).toBe(403);
    expect((await approve(email, ["offboard"])).status).toBe(403);
    // The client that requested the offboard (the harness's) may not approve its own deletion.
    const own = await approve(email, ["approve"], "test-client");
    expect(own).toMatchObject({ status: 403, body: { error: { code: "self_approval" } } });
    expect((await approve("nobody@example.com")).status).toBe(404);
    const active = "still.here@example.com";
    await h.waitForJob((await h.onboard({ email: active })).job.job_id);
    const conflict = await approve(active);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("not_suspended");

    const approved = await approve(email.toUpperCase());
    expect(approved.status).toBe(200);
    expect(approved.body.deletion_approved_at).toBeDefined();
    expect(approved.body.history.at(-1)).toMatchObject({ action: "deletion_approved", client: "it-ops" });
    expect(
      (await approve(email)).body.history.filter((e: { action: string }) => e.action === "deletion_approved"),
    ).toHaveLength(1);

    expect(await runSweep(sweepDeps(h, { requireApproval: true }))).toMatchObject({
      created: 1,
      awaiting_approval: 0,
    });
    expect((await h.waitForJob((await deleteJobOf(h, email)).job_id)).status).toBe("succeeded");
  });
});

describe("a delete job interrupted part-way", () => {
  let h: LifecycleHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  for (const method of ["assignNumberToTarget", "deleteUser"] as const) {
    it(`resumes after a crash right after ${method} without repeating it`, async () => {
      const armed: { method?: string } = {};
      h = await startLifecycleHarness({
        settings: { retentionDays: 0 },
        sandbox: { reservedPool: false },
        wrapLifecycle: (deps) => ({
          ...deps,
          dialpad: { ...deps.dialpad, urgent: crashingAfter(deps.dialpad.urgent, armed) },
        }),
      });
      const harness = h;
      const email = `crash.${method.toLowerCase()}@example.com`;
      const user = await offboardedNow(harness, email);
      harness.sandbox.resetStats();
      armed.method = method;

      expect((await runSweep(sweepDeps(harness))).created).toBe(1);
      const job = await harness.waitForJob((await deleteJobOf(harness, email)).job_id);
      expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
      expect(armed.method).toBeUndefined(); // the crash did happen
      expect(harness.sandbox.state.user(user.id)?.state).toBe("deleted");
      expect(harness.sandbox.state.number(user.phoneNumbers[0] ?? "")).toMatchObject({ status: "office" });
      const changes = harness.sandbox
        .stats()
        .recentRequests.filter((r) => r.method !== "GET" && r.status === 200)
        .map((r) => r.route);
      expect(changes.filter((route) => route === "POST /numbers/{number}/assign")).toHaveLength(1);
      expect(changes.filter((route) => route === "DELETE /users/{id}")).toHaveLength(1);
      const record = await harness.service.people.getWithHistory(email);
      expect(record?.person.state).toBe("deleted");
      expect(record?.history.filter((e) => e.action === "deleted")).toHaveLength(1);
    });
  }
});

describe("a user reactivated by hand in the middle of its delete job", () => {
  it("keeps its number: the job looks again before its first change and cancels", async () => {
    let reactivate: (() => void) | undefined;
    const h = await startLifecycleHarness({
      settings: { retentionDays: 0 },
      sandbox: { reservedPool: false },
      wrapLifecycle: (deps) => ({
        ...deps,
        dialpad: {
          ...deps.dialpad,
          // An admin reactivates the user right after the job's first look at it.
          urgent: new Proxy(deps.dialpad.urgent, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver);
              if (property !== "getUser" || typeof value !== "function") return value;
              return async (...args: unknown[]) => {
                try {
                  return await value.apply(target, args);
                } finally {
                  reactivate?.();
                  reactivate = undefined;
                }
              };
            },
          }),
        },
      }),
    });
    try {
      const email = "reactivated.mid.job@example.com";
      const user = await offboardedNow(h, email);
      const number = user.phoneNumbers[0] ?? "";
      reactivate = () => h.sandbox.byHand.reactivateUser(user.id);
      expect((await runSweep(sweepDeps(h))).created).toBe(1);
      const job = await h.waitForJob((await deleteJobOf(h, email)).job_id);
      expect(job.status, JSON.stringify(job.steps)).toBe("cancelled");
      expect(job.cancel_reason).toMatch(/reactivated/);
      expect(h.sandbox.state.user(user.id)).toMatchObject({ state: "active", phoneNumbers: [number] });
      expect(h.sandbox.state.number(number)).toMatchObject({ status: "user", targetId: user.id });
      const record = await h.service.people.getWithHistory(email);
      expect(record?.person.state).toBe("active");
      expect(record?.history.map((e) => e.action)).toContain("deletion_cancelled");
    } finally {
      await h.stop();
    }
  });
});
