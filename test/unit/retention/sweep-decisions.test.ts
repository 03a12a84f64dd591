/**
 * The retention sweep's decisions over the in-memory due list: who gets a delete job, who is
 * skipped and why, and that a second sweep writes nothing.
 */
import { describe, expect, it } from "vitest";
import type { PersonChange } from "../../../shared/lifecycle/ports";
import { runSweep } from "../../../shared/retention/run-sweep";
import { memoryService } from "../support/memory-service";

const PAST = "2026-01-01T00:00:00.000Z";
const suspended = (set: PersonChange["set"] = {}): PersonChange => ({
  set: {
    state: "suspended",
    user_id: "10",
    suspended_at: PAST,
    delete_after: PAST,
    updated_at: PAST,
    ...set,
  },
  history: { at: PAST, action: "offboarded", source: "worker" },
  historyId: "seed",
});

function sweeper(requireApproval = false) {
  const s = memoryService();
  return { s, sweep: () => runSweep({ ...s.submit, people: s.people, requireApproval }) };
}

describe("the retention sweep", () => {
  it("makes one delete job per due person, queued on the urgent lane, and notes it", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("a@example.com", suspended({ user_id: "1" }));
    await s.people.apply("b@example.com", suspended({ user_id: "2" }));
    expect(await sweep()).toMatchObject({ due: 2, created: 2, existing: 0, failed: 0, complete: true });
    expect(s.queue.sent.map((message) => message.lane)).toEqual(["urgent", "urgent"]);
    const jobs = s.jobs.all();
    expect(jobs.map((job) => [job.kind, job.client, job.request])).toEqual(
      expect.arrayContaining([
        ["delete", "sweeper", { email: "a@example.com", user_id: "1", delete_after: PAST }],
      ]),
    );
  });

  it("a second sweep finds every job noted and writes nothing", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("a@example.com", suspended());
    await sweep();
    s.queue.drain();
    expect(await sweep()).toMatchObject({ due: 1, created: 0, existing: 1 });
    expect(s.queue.sent).toEqual([]);
    expect(s.jobs.all()).toHaveLength(1);
  });

  it("a job whose send was lost is sent again by the next sweep, not made twice", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("lost@example.com", suspended());
    s.queue.failNextSends = 1;
    expect(await sweep()).toMatchObject({ failed: 1, created: 0 });
    expect(await sweep()).toMatchObject({ requeued: 1, created: 0 });
    expect(s.jobs.all()).toHaveLength(1);
    expect(s.queue.sent).toHaveLength(1);
  });

  it("skips people not yet due", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("later@example.com", suspended({ delete_after: "2999-01-01T00:00:00.000Z" }));
    expect(await sweep()).toMatchObject({ due: 0, created: 0 });
  });

  it("skips people under a legal hold", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply(
      "held@example.com",
      suspended({ hold: { at: PAST, by: "legal", reason: "litigation" } } as PersonChange["set"]),
    );
    expect(await sweep()).toMatchObject({ due: 1, held: 1, created: 0 });
  });

  it("skips records without a Dialpad user id", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("noid@example.com", { ...suspended(), remove: ["user_id"] });
    expect(await sweep()).toMatchObject({ due: 1, no_user_id: 1, created: 0 });
  });

  it("with approvals required, waits for one; once approved, makes the job", async () => {
    const { s, sweep } = sweeper(true);
    await s.people.apply("approve@example.com", suspended());
    expect(await sweep()).toMatchObject({ awaiting_approval: 1, created: 0 });
    await s.people.apply("approve@example.com", {
      set: { deletion_approved_at: PAST, updated_at: PAST },
      history: { at: PAST, action: "deletion_approved", source: "api" },
      historyId: "approved",
    });
    expect(await sweep()).toMatchObject({ awaiting_approval: 0, created: 1 });
  });

  it("a suspension by hand waits for an approval even when approvals are not required", async () => {
    const { s, sweep } = sweeper(false);
    await s.people.apply(
      "hand@example.com",
      suspended({ deletion_requires_approval: true } as PersonChange["set"]),
    );
    expect(await sweep()).toMatchObject({ awaiting_approval: 1, created: 0 });
  });

  it("a new offboarding (a new deadline) gets a new job after a rehire", async () => {
    const { s, sweep } = sweeper();
    await s.people.apply("again@example.com", suspended());
    await sweep();
    await s.people.apply("again@example.com", {
      ...suspended({ delete_after: "2026-01-02T00:00:00.000Z" }),
      historyId: "second-offboard",
    });
    expect(await sweep()).toMatchObject({ created: 1 });
    expect(s.jobs.all()).toHaveLength(2);
  });
});
