/**
 * The contract every JobStore and PersonStore adapter honours, as one suite run against the
 * in-memory stores (test/unit/stores) and the DynamoDB adapters on DynamoDB Local (test/store), so
 * the fakes the unit tests rely on cannot drift from what production does.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { IdempotencyConflict, RunSuperseded } from "../../../shared/errors/domain-errors";
import type { MassChangeCounter } from "../../../shared/lifecycle/mass-change-guard";
import type { Job } from "../../../shared/lifecycle/model";
import type { JobStore, PersonChange, PersonStore } from "../../../shared/lifecycle/ports";
import type { RetentionDueList } from "../../../shared/retention/run-sweep";

export interface StoresUnderTest {
  jobs: JobStore;
  people: PersonStore & RetentionDueList;
  massChange: MassChangeCounter;
}

const T0 = "2026-01-05T09:00:00.000Z";
const T0_MS = Date.parse(T0);
const T1 = "2026-01-05T09:00:05.000Z";

let nextId = 0;
function offboardJob(overrides: Partial<Job> = {}): Job {
  nextId += 1;
  return {
    job_id: `contract-${nextId}-${Math.random().toString(36).slice(2, 8)}`,
    kind: "offboard",
    status: "queued",
    email: `person${nextId}@example.com`,
    request: { email: `person${nextId}@example.com` },
    steps: [],
    client: "contract",
    created_at: T0,
    updated_at: T0,
    progress: {},
    ...overrides,
  } as Job;
}
const keyOf = (job: Job, bodyHash = "hash-a") => ({ key: `contract#${job.job_id}`, bodyHash });
const claim = (runId: string, nowMs = T0_MS, ttlMs = 60_000) => ({ runId, at: T0, nowMs, ttlMs });

function change(historyId: string, set: PersonChange["set"], action = "changed"): PersonChange {
  return { set: { updated_at: T0, ...set }, history: { at: T0, action, source: "worker" }, historyId };
}

export function storeContract(name: string, makeStores: () => StoresUnderTest) {
  describe(`${name}: JobStore contract`, () => {
    let jobs: JobStore;
    beforeEach(() => {
      jobs = makeStores().jobs;
    });

    it("writes a job with its request key; a repeat with the same body answers the same job", async () => {
      const job = offboardJob();
      expect(await jobs.create(job, keyOf(job))).toMatchObject({
        created: true,
        job: { job_id: job.job_id },
      });
      const again = await jobs.create({ ...job, job_id: `${job.job_id}-again` }, keyOf(job));
      expect(again).toMatchObject({ created: false, job: { job_id: job.job_id, status: "queued" } });
      expect(await jobs.get(`${job.job_id}-again`)).toBeUndefined();
    });

    it("refuses another body under a used key, naming the existing job", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      const conflict = jobs.create({ ...job, job_id: `${job.job_id}-other` }, keyOf(job, "hash-b"));
      await expect(conflict).rejects.toBeInstanceOf(IdempotencyConflict);
      await expect(conflict).rejects.toMatchObject({ existingJobId: job.job_id });
    });

    it("a key with a lifetime answers repeats within it, and counts as absent after it", async () => {
      const job = offboardJob();
      const key = { ...keyOf(job), ttlSeconds: 24 * 3600 };
      await jobs.create(job, key);
      const within = { ...job, job_id: `${job.job_id}-within`, created_at: "2026-01-06T08:59:59.000Z" };
      expect(await jobs.create(within, key)).toMatchObject({ created: false, job: { job_id: job.job_id } });
      const after = { ...job, job_id: `${job.job_id}-after`, created_at: "2026-01-06T09:00:00.000Z" };
      expect(await jobs.create(after, key)).toMatchObject({ created: true, job: { job_id: after.job_id } });
      // The new job owns the key now.
      const again = { ...job, job_id: `${job.job_id}-again`, created_at: "2026-01-06T10:00:00.000Z" };
      expect(await jobs.create(again, key)).toMatchObject({ created: false, job: { job_id: after.job_id } });
    });

    it("answers undefined for a job it does not hold", async () => {
      expect(await jobs.get("no-such-job")).toBeUndefined();
    });

    it("lists written jobs as unsent until their send is recorded; the first send time stays", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      const unsent = async () => {
        const ids: string[] = [];
        for await (const page of jobs.listUnsent("2026-01-05T09:00:01.000Z"))
          ids.push(...page.map((j) => j.job_id));
        return ids;
      };
      expect(await unsent()).toContain(job.job_id);
      const none: string[] = [];
      for await (const page of jobs.listUnsent(T0)) none.push(...page.map((j) => j.job_id));
      expect(none).not.toContain(job.job_id);
      await jobs.markEnqueued(job.job_id, "2026-01-05T09:00:02.000Z");
      await jobs.markEnqueued(job.job_id, "2026-01-05T09:00:03.000Z");
      expect(await unsent()).not.toContain(job.job_id);
      expect((await jobs.get(job.job_id))?.enqueued_at).toBe("2026-01-05T09:00:02.000Z");
    });

    it("one run at a time: a second run is busy until the first gives its token back or it expires", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      const first = await jobs.startRun(job.job_id, claim("run-1"));
      expect(first).toMatchObject({ outcome: "started", job: { status: "running" } });
      expect(await jobs.startRun(job.job_id, claim("run-2"))).toEqual({ outcome: "busy" });
      await jobs.endRun(job.job_id, "run-2"); // not its token: nothing changes
      expect(await jobs.startRun(job.job_id, claim("run-2"))).toEqual({ outcome: "busy" });
      expect(await jobs.startRun(job.job_id, claim("run-3", T0_MS + 60_001))).toMatchObject({
        outcome: "started",
      });
      await jobs.endRun(job.job_id, "run-3");
      expect(await jobs.startRun(job.job_id, claim("run-4"))).toMatchObject({ outcome: "started" });
    });

    it("a claim repeated by its own run (the SDK's retry of a write whose answer was lost) starts it again", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      await jobs.startRun(job.job_id, claim("run-1"));
      expect(await jobs.startRun(job.job_id, claim("run-1"))).toMatchObject({ outcome: "started" });
      expect(await jobs.startRun(job.job_id, claim("run-2"))).toEqual({ outcome: "busy" });
    });

    it("a finished or missing job cannot start a run", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      await jobs.finish(job.job_id, T0, { status: "cancelled", reason: "test" });
      expect(await jobs.startRun(job.job_id, claim("run-1"))).toEqual({ outcome: "ended" });
      expect(await jobs.startRun("no-such-job", claim("run-1"))).toEqual({ outcome: "ended" });
    });

    it("records steps and merges their outputs into progress (a user id becomes the job's) for the run holding it", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      await jobs.startRun(job.job_id, claim("run-1"));
      const started = { name: "resolve_user", status: "started" as const, at: T0 };
      await jobs.recordSteps(job.job_id, "run-1", { steps: [started], at: T0 });
      const done = { ...started, status: "succeeded" as const, detail: "user 42 is active" };
      await jobs.recordSteps(job.job_id, "run-1", {
        steps: [done],
        at: T0,
        produced: { user_id: "42", initial_state: "active" },
      });
      const next = { name: "suspend_user", status: "started" as const, at: T0 };
      await jobs.recordSteps(job.job_id, "run-1", {
        steps: [done, next],
        at: T0,
        produced: { delete_after: T0 },
      });
      const stored = await jobs.get(job.job_id);
      expect(stored).toMatchObject({ user_id: "42", steps: [done, next] });
      expect(stored?.progress).toEqual({ user_id: "42", initial_state: "active", delete_after: T0 });
    });

    it("refuses step writes of a run that does not hold the job", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      const update = { steps: [], at: T0 };
      await expect(jobs.recordSteps(job.job_id, "run-1", update)).rejects.toBeInstanceOf(RunSuperseded);
      await jobs.startRun(job.job_id, claim("run-1"));
      await expect(jobs.recordSteps(job.job_id, "run-2", update)).rejects.toBeInstanceOf(RunSuperseded);
      await jobs.startRun(job.job_id, claim("run-2", T0_MS + 120_000));
      await expect(jobs.recordSteps(job.job_id, "run-1", update)).rejects.toBeInstanceOf(RunSuperseded);
      await jobs.recordSteps(job.job_id, "run-2", update);
    });

    it("finishes with the run's last step records in the same write, or with none from another run", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      await jobs.startRun(job.job_id, claim("run-1"));
      const resolved = { name: "resolve_user", status: "succeeded" as const, at: T0 };
      await jobs.recordSteps(job.job_id, "run-1", {
        steps: [resolved],
        at: T0,
        produced: { initial_state: "active" },
      });
      const last = { name: "record_retention", status: "succeeded" as const, at: T1 };
      const steps = { steps: [resolved, last], at: T1, produced: { user_id: "42", delete_after: T1 } };
      await expect(
        jobs.finish(job.job_id, T1, { status: "succeeded" }, "run-2", steps),
      ).rejects.toBeInstanceOf(RunSuperseded);
      expect((await jobs.get(job.job_id))?.steps).toEqual([resolved]);
      await jobs.finish(job.job_id, T1, { status: "succeeded" }, "run-1", steps);
      const stored = await jobs.get(job.job_id);
      expect(stored).toMatchObject({
        status: "succeeded",
        user_id: "42",
        updated_at: T1,
        steps: [resolved, last],
      });
      expect(stored?.progress).toEqual({ initial_state: "active", user_id: "42", delete_after: T1 });
    });

    it("finishes only the run holding the job, once, and drops its token", async () => {
      const job = offboardJob();
      await jobs.create(job, keyOf(job));
      await jobs.startRun(job.job_id, claim("run-1"));
      await expect(jobs.finish(job.job_id, T0, { status: "succeeded" }, "run-2")).rejects.toBeInstanceOf(
        RunSuperseded,
      );
      await expect(jobs.finish(job.job_id, T0, { status: "succeeded" })).rejects.toThrow();
      const error = { code: "no_seats" as const, message: "none" };
      await jobs.finish(job.job_id, T0, { status: "failed", error }, "run-1");
      expect(await jobs.get(job.job_id)).toMatchObject({ status: "failed", error });
      await expect(jobs.finish(job.job_id, T0, { status: "succeeded" }, "run-1")).rejects.toBeInstanceOf(
        RunSuperseded,
      );
      await expect(jobs.finish(job.job_id, T0, { status: "succeeded" })).rejects.toThrow();
    });

    it("cancels a job only while it is queued", async () => {
      const queued = offboardJob();
      const running = offboardJob();
      await jobs.create(queued, keyOf(queued));
      await jobs.create(running, keyOf(running));
      await jobs.startRun(running.job_id, claim("run-1"));
      expect(await jobs.cancelIfQueued(queued.job_id, T0, "superseded")).toBe(true);
      expect(await jobs.cancelIfQueued(running.job_id, T0, "superseded")).toBe(false);
      expect(await jobs.get(queued.job_id)).toMatchObject({
        status: "cancelled",
        cancel_reason: "superseded",
      });
      expect(await jobs.cancelIfQueued(queued.job_id, T0, "again")).toBe(false);
    });

    it("a held job is never listed unsent; its release queues it, names the client and lists it unsent from then", async () => {
      const held = offboardJob({ status: "held", held_reason: "guard" });
      await jobs.create(held, keyOf(held));
      const unsentBefore = async (before: string) => {
        const ids: string[] = [];
        for await (const page of jobs.listUnsent(before)) ids.push(...page.map((j) => j.job_id));
        return ids;
      };
      expect(await unsentBefore("2026-01-06T00:00:00.000Z")).not.toContain(held.job_id);
      const releasedAt = "2026-01-05T10:00:00.000Z";
      expect(await jobs.releaseHeld(held.job_id, releasedAt, "approver")).toMatchObject({
        job_id: held.job_id,
        status: "queued",
        held_reason: "guard",
        released_by: "approver",
        released_at: releasedAt,
      });
      expect(await unsentBefore(releasedAt)).not.toContain(held.job_id);
      expect(await unsentBefore("2026-01-05T10:00:01.000Z")).toContain(held.job_id);
      expect(await jobs.releaseHeld(held.job_id, releasedAt, "approver")).toBeUndefined();
      expect(await jobs.releaseHeld("no-such-job", releasedAt, "approver")).toBeUndefined();
    });

    it("cancels before a run: held or queued, never started, finished or released-and-started", async () => {
      const held = offboardJob({ status: "held" });
      const queued = offboardJob();
      const running = offboardJob();
      for (const job of [held, queued, running]) await jobs.create(job, keyOf(job));
      await jobs.startRun(running.job_id, claim("run-1"));
      expect(await jobs.cancelIfQueued(held.job_id, T0, "superseded")).toBe(false);
      expect(await jobs.cancelBeforeRun(held.job_id, T0, "by approver")).toBe(true);
      expect(await jobs.cancelBeforeRun(queued.job_id, T0, "by approver")).toBe(true);
      expect(await jobs.cancelBeforeRun(running.job_id, T0, "by approver")).toBe(false);
      expect(await jobs.cancelBeforeRun(held.job_id, T0, "again")).toBe(false);
      expect(await jobs.get(held.job_id)).toMatchObject({
        status: "cancelled",
        cancel_reason: "by approver",
      });
      expect(await jobs.releaseHeld(held.job_id, T0, "approver")).toBeUndefined();
      expect(await jobs.startRun(held.job_id, claim("run-2"))).toEqual({ outcome: "ended" });
    });

    it("a held job cannot start a run until released", async () => {
      const held = offboardJob({ status: "held" });
      await jobs.create(held, keyOf(held));
      expect((await jobs.startRun(held.job_id, claim("run-1"))).outcome).not.toBe("started");
      expect((await jobs.get(held.job_id))?.status).toBe("held");
    });

    it("sets the identity learnt while running", async () => {
      const job = offboardJob({ email: undefined, request: { user_id: "7" } } as Partial<Job>);
      await jobs.create(job, keyOf(job));
      await jobs.setIdentity(job.job_id, { email: "learnt@example.com", user_id: "7" });
      expect(await jobs.get(job.job_id)).toMatchObject({ email: "learnt@example.com", user_id: "7" });
    });
  });

  describe(`${name}: MassChangeCounter contract`, () => {
    const WINDOW = 15 * 60_000;
    let counter: MassChangeCounter;
    let client: string;
    beforeEach(() => {
      counter = makeStores().massChange;
      client = `client-${Math.random().toString(36).slice(2, 10)}`;
    });

    it("counts each entry once within the window, and forgets what left it", async () => {
      expect(await counter.add(client, "a", T0_MS, WINDOW, 3)).toEqual({ count: 1, added: true });
      expect(await counter.add(client, "b", T0_MS + 1000, WINDOW, 3)).toEqual({ count: 2, added: true });
      expect(await counter.add(client, "a", T0_MS + 2000, WINDOW, 3)).toEqual({ count: 2, added: false });
      expect(await counter.add(client, "c", T0_MS + WINDOW + 500, WINDOW, 3)).toEqual({
        count: 2,
        added: true,
      });
      expect(await counter.add(`${client}-other`, "a", T0_MS, WINDOW, 3)).toEqual({ count: 1, added: true });
    });

    it("keeps only the newest `keep` entries", async () => {
      for (const [i, entry] of ["a", "b", "c", "d"].entries())
        await counter.add(client, entry, T0_MS + i, WINDOW, 2);
      expect(await counter.add(client, "e", T0_MS + 10, WINDOW, 2)).toEqual({ count: 2, added: true });
    });

    it("takes an entry back out; removing a missing one changes nothing", async () => {
      await counter.add(client, "a", T0_MS, WINDOW, 3);
      await counter.add(client, "b", T0_MS, WINDOW, 3);
      await counter.remove(client, "a");
      await counter.remove(client, "a");
      await counter.remove(`${client}-none`, "a");
      expect(await counter.add(client, "c", T0_MS, WINDOW, 3)).toEqual({ count: 2, added: true });
    });

    it("loses no count when many add at once", async () => {
      const entries = Array.from({ length: 8 }, (_, i) => `e${i}`);
      await Promise.all(entries.map((entry) => counter.add(client, entry, T0_MS, WINDOW, 20)));
      expect(await counter.add(client, "last", T0_MS, WINDOW, 20)).toEqual({ count: 9, added: true });
    });
  });

  describe(`${name}: PersonStore contract`, () => {
    let people: StoresUnderTest["people"];
    beforeEach(() => {
      people = makeStores().people;
    });
    const unique = (local: string) => `${local}-${Math.random().toString(36).slice(2, 8)}@example.com`;

    it("applies a change with its history entry; a repeated history id changes nothing", async () => {
      const email = unique("apply");
      await people.apply(email, change("h1", { state: "active", user_id: "1" }, "onboarded"));
      await people.apply(email, change("h1", { state: "suspended" }, "onboarded"));
      const record = await people.getWithHistory(email);
      expect(record?.person).toMatchObject({ email, state: "active", user_id: "1" });
      expect(record?.history.map((entry) => entry.action)).toEqual(["onboarded"]);
    });

    it("compares emails without case and finds a record by its Dialpad user id", async () => {
      const email = unique("case");
      const userId = String(Math.floor(Math.random() * 1e9));
      await people.apply(email.toUpperCase(), change("h1", { state: "active", user_id: userId }));
      expect(await people.get(email)).toMatchObject({ email, user_id: userId });
      expect(await people.findByUserId(userId)).toMatchObject({ email });
      expect(await people.findByUserId("0")).toBeUndefined();
    });

    it("removes fields a change clears, and keeps history in time order", async () => {
      const email = unique("remove");
      await people.apply(email, change("h1", { state: "suspended", delete_after: T0, suspended_at: T0 }));
      await people.apply(email, {
        ...change("h2", { state: "active", updated_at: "2026-01-06T00:00:00.000Z" }),
        remove: ["delete_after", "suspended_at"],
        history: { at: "2026-01-06T00:00:00.000Z", action: "reactivated_by_hand", source: "webhook" },
      });
      const record = await people.getWithHistory(email);
      expect(record?.person.delete_after).toBeUndefined();
      expect(record?.person.suspended_at).toBeUndefined();
      expect(record?.history.map((entry) => entry.action)).toEqual(["changed", "reactivated_by_hand"]);
    });

    it("applies a change within a suspension only while the record is still in it", async () => {
      const email = unique("within");
      const later = "2026-03-01T00:00:00.000Z";
      const within = { suspended_at: T0, delete_after_at_least: "2026-02-01T00:00:00.000Z" };
      expect(
        await people.applyWithinSuspension(email, change("w0", { deletion_approved_at: T0 }), within),
      ).toBe(false);
      await people.apply(email, change("s1", { state: "suspended", suspended_at: T0, delete_after: later }));
      // Another suspension, or a deadline moved earlier: nothing written.
      const other = { ...within, suspended_at: "2026-01-04T00:00:00.000Z" };
      expect(
        await people.applyWithinSuspension(email, change("w1", { deletion_approved_at: T0 }), other),
      ).toBe(false);
      const earlierOnly = { ...within, delete_after_at_least: "2026-04-01T00:00:00.000Z" };
      expect(
        await people.applyWithinSuspension(email, change("w2", { deletion_approved_at: T0 }), earlierOnly),
      ).toBe(false);
      expect(
        await people.applyWithinSuspension(email, change("w3", { deletion_approved_at: T0 }), within),
      ).toBe(true);
      // A repeat of the written change answers true and writes nothing more.
      expect(
        await people.applyWithinSuspension(email, change("w3", { deletion_approved_at: T0 }), other),
      ).toBe(true);
      const record = await people.getWithHistory(email);
      expect(record?.person.deletion_approved_at).toBe(T0);
      expect(record?.history).toHaveLength(2);
      // A record without a deadline matches only a condition without one.
      const none = unique("within-none");
      await people.apply(none, change("s1", { state: "suspended", suspended_at: T0 }));
      expect(await people.applyWithinSuspension(none, change("w1", {}), within)).toBe(false);
      const noDeadline = { suspended_at: T0, delete_after_at_least: undefined };
      expect(await people.applyWithinSuspension(none, change("w2", {}), noDeadline)).toBe(true);
    });

    it("records a new person only when no record of the email exists", async () => {
      const email = unique("new");
      expect(await people.recordNew(email, change("i1", { state: "active" }, "imported"))).toBe(true);
      expect(await people.recordNew(email, change("i2", { state: "suspended" }, "imported"))).toBe(false);
      expect(await people.get(email)).toMatchObject({ state: "active" });
    });

    it("one lease holder at a time, until the lease expires; only the holder releases it", async () => {
      const email = unique("lease");
      expect(await people.acquireLease(email, "job-a", T0_MS, 1000)).toBe(true);
      expect(await people.acquireLease(email, "job-b", T0_MS + 500, 1000)).toBe(false);
      expect(await people.acquireLease(email, "job-a", T0_MS + 500, 1000)).toBe(true);
      await people.releaseLease(email, "job-b");
      expect(await people.acquireLease(email, "job-b", T0_MS + 1000, 1000)).toBe(false);
      expect(await people.acquireLease(email, "job-b", T0_MS + 1501, 1000)).toBe(true);
      await people.releaseLease(email, "job-b");
      expect(await people.acquireLease(email, "job-c", T0_MS + 1600, 1000)).toBe(true);
    });

    it("a lease alone is no record of the person", async () => {
      const email = unique("leaseonly");
      await people.acquireLease(email, "job-a", T0_MS, 1000);
      expect(await people.get(email)).toBeUndefined();
      expect(await people.getWithHistory(email)).toBeUndefined();
    });

    it("remembers the person's open onboarding job", async () => {
      const email = unique("open");
      expect(await people.openOnboardJob(email)).toBeUndefined();
      await people.noteOnboardJob(email, "job-1");
      await people.noteOnboardJob(email, "job-2");
      expect(await people.openOnboardJob(email)).toBe("job-2");
    });

    it("lists suspended people whose deadline passed, oldest first, with the note of their delete job", async () => {
      const later = unique("due-later");
      const earlier = unique("due-earlier");
      const future = unique("due-future");
      const active = unique("due-active");
      // Deadlines far in the past, so other tests' records (same table) sort after these.
      await people.apply(
        later,
        change("d1", { state: "suspended", delete_after: "2000-01-02T00:00:00.000Z" }),
      );
      await people.apply(
        earlier,
        change("d1", { state: "suspended", delete_after: "2000-01-01T00:00:00.000Z" }),
      );
      await people.apply(
        future,
        change("d1", { state: "suspended", delete_after: "2999-01-01T00:00:00.000Z" }),
      );
      await people.apply(active, change("d1", { state: "active" }));
      await people.noteDeleteJobQueued(later, "2000-01-02T00:00:00.000Z", "del-1");
      const due = async () => {
        const found: { email: string; delete_job_for?: string }[] = [];
        for await (const page of people.dueForDeletion("2000-01-03T00:00:00.000Z")) found.push(...page);
        return found.filter((person) => [later, earlier, future, active].includes(person.email));
      };
      expect((await due()).map((person) => person.email)).toEqual([earlier, later]);
      expect((await due())[1]?.delete_job_for).toBe("2000-01-02T00:00:00.000Z");
      await people.forgetDeleteJob(later, "del-other");
      expect((await due())[1]?.delete_job_for).toBe("2000-01-02T00:00:00.000Z");
      await people.forgetDeleteJob(later, "del-1");
      expect((await due())[1]?.delete_job_for).toBeUndefined();
      await people.apply(earlier, { ...change("d2", { state: "deleted" }), remove: ["delete_after"] });
      expect((await due()).map((person) => person.email)).toEqual([later]);
    });
  });
}
