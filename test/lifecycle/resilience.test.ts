/**
 * Nothing done twice, nothing lost: repeated submissions, a worker crash after each Dialpad call,
 * an offboard overtaking a queued onboard, and a message that keeps failing.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import type { DialpadApi } from "../../shared/dialpad/api";
import type { RunJobDeps } from "../../shared/lifecycle/run-job";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

class SimulatedCrash extends Error {}

/** The crash happens after Dialpad applied the `crashAfter`-th change and before we record it. */
function crashingDialpad(
  api: DialpadApi,
  state: { changes: number; crashAfter: number; crashed: boolean },
): DialpadApi {
  const mutating = new Set([
    "createUser",
    "updateUser",
    "deleteUser",
    "assignNumber",
    "unassignNumber",
    "addOperator",
    "removeOperator",
  ]);
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || !mutating.has(String(property)))
        return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        state.changes += 1;
        if (state.changes === state.crashAfter && !state.crashed) {
          state.crashed = true;
          throw new SimulatedCrash(`crash after Dialpad change #${state.changes}`);
        }
        return result;
      };
    },
  });
}

describe("resilience", () => {
  let h: LifecycleHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("the same request sent 5 times concurrently and 5 times sequentially makes one job and one user", async () => {
    h = await startLifecycleHarness();
    const harness = h;
    const request = {
      email: "twice@example.com",
      area_code: "212",
      ticket: { system: "zendesk", id: "5150" },
    };
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => harness.onboard(request)));
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await harness.onboard(request));
    const ids = new Set([...concurrent, ...sequential].map((r) => r.job.job_id));
    expect(ids.size).toBe(1);
    expect([...concurrent, ...sequential].filter((r) => r.created)).toHaveLength(1);
    const done = await harness.waitForJob([...ids][0] ?? "");
    expect(done.status).toBe("succeeded");
    // A repeat after completion still answers the same job and sends nothing new.
    const late = await harness.onboard(request);
    expect(late).toMatchObject({ created: false, job: { job_id: done.job_id, status: "succeeded" } });
    const owners = harness.sandbox.state
      .users({ state: "all" } as never)
      .filter((u) => u.emails.includes("twice@example.com"));
    expect(owners).toHaveLength(1);
    expect(owners[0]?.phoneNumbers).toHaveLength(1);
  });

  // create, apply profile (extension), assign number, add to two call centers: five Dialpad changes.
  it.each([1, 2, 3, 4, 5])(
    "a worker crash right after Dialpad change #%i still ends with one fully configured user",
    async (crashAfter) => {
      const state = { changes: 0, crashAfter, crashed: false };
      const wrap = (deps: RunJobDeps): RunJobDeps => ({
        ...deps,
        dialpad: {
          urgent: crashingDialpad(deps.dialpad.urgent, state),
          bulk: crashingDialpad(deps.dialpad.bulk, state),
        },
      });
      h = await startLifecycleHarness({ wrapLifecycle: wrap });
      const support = h.sandbox.state.callCenter("Support")?.id ?? "";
      const sales = h.sandbox.state.callCenter("Sales")?.id ?? "";
      const email = `crash-${crashAfter}@example.com`;
      const { job } = await h.onboard({
        email,
        extension: "4321",
        area_code: "646",
        call_center_ids: [support, sales],
      });
      const done = await h.waitForJob(job.job_id);
      expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
      expect(state.crashed).toBe(true);
      expect(done.steps.some((step) => step.status === "succeeded")).toBe(true);
      const users = h.sandbox.state.users({ state: "all" } as never).filter((u) => u.emails.includes(email));
      expect(users).toHaveLength(1);
      const [user] = users;
      expect(user).toMatchObject({ state: "active", extension: "4321" });
      expect(user?.phoneNumbers).toHaveLength(1);
      for (const cc of [support, sales])
        expect(h.sandbox.state.callCenter(cc)?.operators.map((o) => o.userId)).toContain(user?.id);
      const record = await h.service.people.getWithHistory(email);
      expect(record?.person.state).toBe("active");
      expect(record?.history).toHaveLength(1);
    },
  );

  it("an offboard submitted while the onboarding is still queued cancels it", async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    const existing = h.sandbox.byHand.createUser({ email: "leaver@example.com" });
    const onboard = await h.onboard({ email: "leaver@example.com" });
    const offboard = await h.offboard({ email: "leaver@example.com", retention_days: 30 });
    h.startWorkers();
    const cancelled = await h.waitForJob(onboard.job.job_id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancel_reason).toContain(offboard.job.job_id);
    expect((await h.waitForJob(offboard.job.job_id)).status).toBe("succeeded");
    expect(h.sandbox.state.user(existing.id)?.state).toBe("suspended");
  });

  it("a job whose attempts keep failing ends failed with the reason kept, and its message in the DLQ", async () => {
    h = await startLifecycleHarness({ maxReceives: 2 });
    h.sandbox.injectFaults({ kind: "error", status: 503, count: 1000, method: "GET", route: "/users" });
    const { job } = await h.onboard({
      email: "unlucky@example.com",
      office_id: h.sandbox.state.office("HQ")?.id ?? "",
    });
    const failed = await h.waitForJob(job.job_id, ["failed"], 30_000);
    expect(failed.error?.code).toBe("dialpad_unavailable");
    expect(failed.error?.message).toMatch(/503|Dialpad/);
    const dlq = h.queues.bulk.dlqUrl;
    const deadline = Date.now() + 15_000;
    let body: string | undefined;
    while (!body && Date.now() < deadline) {
      const received = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }));
      body = received.Messages?.[0]?.Body;
    }
    expect(JSON.parse(body ?? "{}")).toEqual({ job_id: job.job_id });
    expect(h.sandbox.state.userByEmail("unlucky@example.com")).toBeUndefined();
  });
});
