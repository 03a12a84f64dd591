/**
 * The lifecycle end to end against a stricter Dialpad: the sandbox answering `null` for every
 * unset field (the spec allows it), and the sandbox's `GET /users` default filter hiding suspended
 * users (Dialpad does not document its default). Onboarding with a number and call centers,
 * offboarding, the retention deletion, a rehire and the offboarding of someone already suspended
 * must all end as they do against the default sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxOptions } from "../../local/sandbox/index";
import { runSweep } from "../../shared/retention/run-sweep";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const MODES: [string, SandboxOptions][] = [
  ["null for unset fields", { nullForUnset: true }],
  ["GET /users lists active users unless told otherwise", { usersDefaultState: "active" }],
  ["both", { nullForUnset: true, usersDefaultState: "active" }],
];

describe.each(MODES)("lifecycle against a strict sandbox: %s", (_mode, sandbox) => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await startLifecycleHarness({ sandbox, settings: { retentionDays: 0 } });
  });
  afterAll(() => h.stop());

  const operatorsOf = (name: string) => h.sandbox.state.callCenter(name)?.operators.map((o) => o.userId);

  it("onboards with a number and two call centers, offboards, and the retention sweep deletes", async () => {
    const email = "strict.grace@example.com";
    const on = await h.onboard({
      email,
      license: "agents",
      area_code: "415",
      call_center_ids: [h.sandbox.state.callCenter("Support")!.id, h.sandbox.state.callCenter("Sales")!.id],
    });
    const onboarded = await h.waitForJob(on.job.job_id);
    expect(onboarded.status, JSON.stringify(onboarded.steps)).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email)!;
    expect(user).toMatchObject({ state: "active", license: "agents" });
    expect(user.phoneNumbers[0]).toMatch(/^\+1415/);
    expect(operatorsOf("Support")).toContain(user.id);
    expect(operatorsOf("Sales")).toContain(user.id);

    const off = await h.waitForJob((await h.offboard({ email, retention_days: 0 })).job.job_id);
    expect(off.status, JSON.stringify(off.steps)).toBe("succeeded");
    expect(h.sandbox.state.user(user.id)?.state).toBe("suspended");
    expect(operatorsOf("Support")).not.toContain(user.id);

    const sweep = await runSweep({
      kinds: h.service.kinds,
      people: h.service.people,
      jobs: h.service.jobs,
      queue: h.service.queue,
      clock: h.service.clock,
      requireApproval: false,
    });
    expect(sweep.created).toBe(1);
    await expect.poll(() => h.sandbox.state.user(user.id)?.state, { timeout: 20_000 }).toBe("deleted");
    await expect
      .poll(async () => (await h.service.people.get(email))?.state, { timeout: 20_000 })
      .toBe("deleted");
    expect(h.sandbox.state.number(user.phoneNumbers[0] ?? "")).toMatchObject({
      status: "office",
      targetId: user.officeId,
    });
  });

  it("rehire: true reactivates the same suspended user, never a second account", async () => {
    const existing = h.sandbox.byHand.createUser({ email: "strict.rehire@example.com" });
    h.sandbox.byHand.suspendUser(existing.id);
    const done = await h.waitForJob(
      (await h.onboard({ email: "strict.rehire@example.com", rehire: true })).job.job_id,
    );
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(done.user_id).toBe(existing.id);
    expect(h.sandbox.state.user(existing.id)?.state).toBe("active");
    const owners = h.sandbox.state
      .users({ state: "all" })
      .filter((u) => u.emails.includes("strict.rehire@example.com"));
    expect(owners).toHaveLength(1);
  });

  it("offboards someone already suspended in Dialpad", async () => {
    const email = "strict.suspended@example.com";
    const on = await h.waitForJob(
      (await h.onboard({ email, call_center_ids: [h.sandbox.state.callCenter("Support")!.id] })).job.job_id,
    );
    expect(on.status).toBe("succeeded");
    h.sandbox.byHand.suspendUser(on.user_id!);
    const off = await h.waitForJob((await h.offboard({ email, retention_days: 5 })).job.job_id);
    expect(off.status, JSON.stringify(off.steps)).toBe("succeeded");
    expect(off.steps.find((s) => s.name === "suspend_user")?.status).toBe("skipped");
    expect(operatorsOf("Support")).not.toContain(on.user_id);
    expect((await h.service.people.get(email))?.state).toBe("suspended");
  });
});
