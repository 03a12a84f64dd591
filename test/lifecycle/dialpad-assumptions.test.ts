/**
 * What the domain does when a Dialpad behaviour we only assume turns out otherwise (docs/dialpad.md,
 * "assumed behaviour"), end to end against the sandbox with injected refusals:
 * - a create refused with a 400 we do not recognise reads the seats again: `no_seats` when the
 *   line is empty, else the refusal stands (`dialpad_rejected`);
 * - a duplicate email refused with a 400 instead of a 409 still leads to look-up-then-adopt;
 * - removing an operator who is not one is success whatever the status, checked against the
 *   operator list; one who still is one is not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DialpadApi } from "../../shared/dialpad/api";
import type { RunJobDeps } from "../../shared/lifecycle/run-job";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

/** Runs just before the wrapped Dialpad call goes out: Dialpad changing under the worker's feet. */
const before: { createUser?: () => void; removeOperator?: () => void } = {};

function hooked(api: DialpadApi): DialpadApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "createUser") before.createUser?.();
        if (property === "removeOperator") before.removeOperator?.();
        return value.apply(target, args);
      };
    },
  });
}

describe("the domain survives Dialpad behaving otherwise than we assume", () => {
  let h: LifecycleHarness;
  const refuse = (method: string, route: string, message: string) =>
    h.sandbox.injectFaults({ kind: "error", status: 400, method, route, message, count: 1 });

  beforeAll(async () => {
    h = await startLifecycleHarness({
      wrapLifecycle: (deps: RunJobDeps) => ({
        ...deps,
        dialpad: { urgent: hooked(deps.dialpad.urgent), bulk: hooked(deps.dialpad.bulk) },
      }),
    });
  });
  afterEach(() => {
    before.createUser = undefined;
    before.removeOperator = undefined;
    h.sandbox.clearFaults();
  });
  afterAll(() => h.stop());

  it("an unrecognised 400 on create with the line now empty fails no_seats, creating nothing", async () => {
    const berlin = h.sandbox.state.office("Berlin")!.id;
    before.createUser = () => h.sandbox.seed.seats(berlin, { talk_lines: 0 });
    refuse("POST", "/users", "Your plan does not allow more users here");
    const done = await h.waitForJob(
      (await h.onboard({ email: "late.seat@example.com", office_id: berlin })).job.job_id,
    );
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("no_seats");
    expect(h.sandbox.state.userByEmail("late.seat@example.com")).toBeUndefined();
  });

  it("an unrecognised 400 on create with seats left stays dialpad_rejected", async () => {
    refuse("POST", "/users", "Something Dialpad did not like");
    const done = await h.waitForJob((await h.onboard({ email: "refused@example.com" })).job.job_id);
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("dialpad_rejected");
    expect(h.sandbox.state.userByEmail("refused@example.com")).toBeUndefined();
  });

  it("a duplicate email refused with a 400 (not 409) is looked up and adopted", async () => {
    const email = "twin@example.com";
    let byHand = "";
    before.createUser = () => {
      byHand = h.sandbox.byHand.createUser({ email }).id;
    };
    refuse("POST", "/users", "Email address is already registered");
    const done = await h.waitForJob((await h.onboard({ email })).job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(done.user_id).toBe(byHand);
    expect(done.steps.find((s) => s.name === "create_user")?.detail).toBe(`adopted active user ${byHand}`);
    expect(h.sandbox.state.users({ state: "all" }).filter((u) => u.emails.includes(email))).toHaveLength(1);
  });

  it("removing an operator who is no longer one succeeds whatever Dialpad answers", async () => {
    const support = h.sandbox.state.callCenter("Support")!.id;
    const email = "gone.from.queue@example.com";
    const on = await h.waitForJob((await h.onboard({ email, call_center_ids: [support] })).job.job_id);
    const userId = on.user_id!;
    before.removeOperator = () => h.sandbox.byHand.removeOperator(support, userId);
    refuse("DELETE", "/callcenters/{id}/operators", "User is not a member of this group");
    const off = await h.waitForJob((await h.offboard({ email, retention_days: 5 })).job.job_id);
    expect(off.status, JSON.stringify(off.steps)).toBe("succeeded");
    expect(h.sandbox.state.callCenter("Support")?.operators.map((o) => o.userId)).not.toContain(userId);
  });

  it("a refused removal of someone still an operator is not taken for success", async () => {
    const support = h.sandbox.state.callCenter("Support")!.id;
    const email = "still.in.queue@example.com";
    const on = await h.waitForJob((await h.onboard({ email, call_center_ids: [support] })).job.job_id);
    refuse("DELETE", "/callcenters/{id}/operators", "Group is locked");
    const off = await h.waitForJob((await h.offboard({ email, retention_days: 5 })).job.job_id);
    expect(off.status).toBe("failed");
    expect(off.error?.code).toBe("dialpad_rejected");
    expect(h.sandbox.state.callCenter("Support")?.operators.map((o) => o.userId)).toContain(on.user_id);
  });
});
