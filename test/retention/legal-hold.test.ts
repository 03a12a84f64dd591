/**
 * Legal hold and the delete job's last look at our record, on real parts: a held person offboarded
 * with retention 0 is not deleted while held (whether the hold came before the sweep or after its
 * delete job was queued), lifting the hold lets the deletion go ahead, and a record whose deadline
 * moved or that names another user stops the deletion with the reason recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../shared/lifecycle/model";
import { liftHold, placeHold } from "../../shared/retention/legal-hold";
import { runSweep } from "../../shared/retention/run-sweep";
import { submitDeleteJob } from "../../shared/retention/submit-delete-job";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

describe("legal hold and the delete job's freshness check", () => {
  let h: LifecycleHarness;
  const legal = { client: "legal-team", ticket: { system: "jira", id: "LEGAL-7" } };
  beforeAll(async () => {
    h = await startLifecycleHarness({ settings: { retentionDays: 0 } });
  });
  afterAll(() => h.stop());

  const sweep = () =>
    runSweep({
      kinds: h.service.kinds,
      people: h.service.people,
      jobs: h.service.jobs,
      queue: h.service.queue,
      clock: h.service.clock,
      requireApproval: false,
    });

  async function offboardedNow(email: string) {
    const on = await h.onboard({ email, area_code: "212" });
    expect((await h.waitForJob(on.job.job_id)).status).toBe("succeeded");
    const off = await h.offboard({ email, retention_days: 0 });
    expect((await h.waitForJob(off.job.job_id)).status).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email);
    if (!user) throw new Error(`${email} has no Dialpad user`);
    return user;
  }

  /** The person's current delete job (asking again answers the sweep's job, past any stopped one). */
  async function deleteJob(email: string): Promise<Job> {
    const person = await h.service.people.get(email);
    if (!person?.user_id) throw new Error(`${email} has no user id`);
    const { job } = await submitDeleteJob(
      { email, user_id: person.user_id, delete_after: person.delete_after },
      h.service,
    );
    return job;
  }

  it("a held person is skipped by the sweep; once the hold is lifted the next sweep deletes", async () => {
    const email = "held.before.sweep@example.com";
    const user = await offboardedNow(email);
    const placed = await placeHold(email, "litigation 2026-114", legal, h.service);
    expect(placed.status).toBe("placed");
    expect(placed.person.hold).toMatchObject({ reason: "litigation 2026-114", by: "legal-team" });
    expect(placed.history.at(-1)).toMatchObject({ action: "hold_placed", client: "legal-team" });
    expect((await placeHold(email, "again", legal, h.service)).status).toBe("already_held");

    expect(await sweep()).toMatchObject({ due: 1, held: 1, created: 0 });
    expect(h.sandbox.state.user(user.id)?.state).toBe("suspended");

    const lifted = await liftHold(email, { client: "legal-team" }, h.service);
    expect(lifted.status).toBe("lifted");
    expect((await h.service.people.get(email))?.hold).toBeUndefined();
    expect(await sweep()).toMatchObject({ held: 0, created: 1 });
    const done = await h.waitForJob((await deleteJob(email)).job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(h.sandbox.state.user(user.id)?.state).toBe("deleted");
    expect((await liftHold(email, legal, h.service)).status).toBe("not_held");
    await expect(placeHold(email, "too late", legal, h.service)).rejects.toMatchObject({
      code: "not_holdable",
    });
    await expect(placeHold("nobody@example.com", "x", legal, h.service)).rejects.toMatchObject({
      code: "user_not_found",
    });
  });

  it("a delete job that meets a hold stops before any telephony is touched; lifting lets a new one delete", async () => {
    const email = "held.while.queued@example.com";
    const user = await offboardedNow(email);
    const number = user.phoneNumbers[0];
    // A delete job queued before the hold (the sweep ran just before it) meets the hold when it runs.
    await placeHold(email, "HR investigation", legal, h.service);
    const person = await h.service.people.get(email);
    const { job } = await submitDeleteJob(
      { email, user_id: person?.user_id ?? "", delete_after: person?.delete_after },
      h.service,
    );
    const stopped = await h.waitForJob(job.job_id);
    expect(stopped.status).toBe("cancelled");
    expect(stopped.cancel_reason).toMatch(/legal hold placed .* by legal/);
    // Every `read` client sees jobs: the hold's reason stays out of them.
    expect(stopped.cancel_reason).not.toContain("HR investigation");
    expect(h.sandbox.state.user(user.id)?.state).toBe("suspended");
    expect(h.sandbox.state.user(user.id)?.phoneNumbers).toEqual([number]);
    const record = await h.service.people.getWithHistory(email);
    expect(record?.person.state).toBe("suspended");
    expect(record?.history.at(-1)).toMatchObject({ action: "deletion_stopped", job_id: job.job_id });

    await liftHold(email, legal, h.service);
    expect(await sweep()).toMatchObject({ created: 1, held: 0 });
    const next = await deleteJob(email);
    expect(next.job_id).not.toBe(job.job_id);
    expect((await h.waitForJob(next.job_id)).status).toBe("succeeded");
    expect(h.sandbox.state.user(user.id)?.state).toBe("deleted");
  });

  it("a record whose deadline moved later, or that names another user, stops the deletion with the reason", async () => {
    const email = "moved.deadline@example.com";
    const user = await offboardedNow(email);
    const person = await h.service.people.get(email);
    const later = new Date(Date.now() + 3600_000).toISOString();
    await h.service.people.apply(email, {
      set: { state: "suspended", delete_after: later, updated_at: later },
      history: { at: later, action: "offboarded", source: "worker", detail: "a new offboarding" },
      historyId: "test#moved",
    });
    const { job } = await submitDeleteJob(
      { email, user_id: person?.user_id ?? "", delete_after: person?.delete_after },
      h.service,
    );
    const stopped = await h.waitForJob(job.job_id);
    expect(stopped.status).toBe("cancelled");
    expect(stopped.cancel_reason).toMatch(/deadline moved/);
    expect(h.sandbox.state.user(user.id)?.state).toBe("suspended");

    const other = "another.user@example.com";
    const otherUser = await offboardedNow(other);
    const { job: wrong } = await submitDeleteJob(
      { email: other, user_id: user.id, delete_after: (await h.service.people.get(other))?.delete_after },
      h.service,
    );
    const refused = await h.waitForJob(wrong.job_id);
    expect(refused.status).toBe("cancelled");
    expect(refused.cancel_reason).toMatch(new RegExp(`names Dialpad user ${otherUser.id}`));
    expect(h.sandbox.state.user(user.id)?.state).toBe("suspended");
    expect(h.sandbox.state.user(otherUser.id)?.state).toBe("suspended");
  });
});
