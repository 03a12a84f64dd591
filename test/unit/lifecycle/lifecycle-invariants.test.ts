/**
 * The lifecycle invariants the lifecycle policy holds (docs/security.md "Lifecycle invariants"),
 * each over the in-memory ports with several clients of different scopes: retention only lengthens
 * without `admin` (1), separation of duties (2), an approval belongs to one suspension (3), holds
 * lifted only by their placer or `admin`, no privilege without `admin` (6), and body-hash request
 * keys that last a day.
 */
import { describe, expect, it } from "vitest";
import { DialpadError } from "../../../shared/dialpad/errors";
import { authorityOf } from "../../../shared/lifecycle/authority";
import type { Job, OffboardRequest, OnboardRequest, UpdateRequest } from "../../../shared/lifecycle/model";
import type { PersonStore } from "../../../shared/lifecycle/ports";
import { submitJob } from "../../../shared/lifecycle/submit-job";
import { approveDeletion } from "../../../shared/retention/approve-deletion";
import { liftHold, placeHold } from "../../../shared/retention/legal-hold";
import { runSweep } from "../../../shared/retention/run-sweep";
import { syncUser } from "../../../shared/webhook/sync-user";
import { sampleOnboardRequest } from "../../support/sample-onboard-request";
import { type MemoryService, memoryService } from "../support/memory-service";

const DAY_MS = 24 * 3600 * 1000;
const EMAIL = "leaver@example.com";
const TICKETING = { client: "ticketing", scopes: ["onboard", "offboard", "read"] };
const IT_ADMIN = { client: "it-admin", scopes: ["onboard", "offboard", "read", "approve", "admin"] };
const SECURITY = { client: "security", scopes: ["approve", "read"] };
const LEGAL = { client: "legal", scopes: ["legal_hold", "approve", "read"] };
type Client = { client: string; scopes: string[] };
const actorOf = (by: Client) => ({ client: by.client, admin: by.scopes.includes("admin") });

function lifecycle(options: Parameters<typeof memoryService>[0] = {}) {
  const s = memoryService(options);
  const submit = async (by: Client, submission: Parameters<typeof submitJob>[0], key?: string) =>
    (await submitJob(submission, { client: by.client, idempotencyKey: key, scopes: by.scopes }, s.submit))
      .job;
  const finished = async (job: Job) => {
    await s.work();
    return (await s.jobs.get(job.job_id)) as Job;
  };
  const actor = actorOf;
  let events = 0;
  return {
    s,
    onboard: async (by: Client, request: Partial<OnboardRequest> = {}) =>
      finished(
        await submit(by, { kind: "onboard", request: sampleOnboardRequest({ email: EMAIL, ...request }) }),
      ),
    offboard: async (by: Client, request: Partial<OffboardRequest> = {}, key?: string) =>
      finished(await submit(by, { kind: "offboard", request: { email: EMAIL, ...request } }, key)),
    submitOffboard: (by: Client, request: Partial<OffboardRequest> = {}) =>
      submit(by, { kind: "offboard", request: { email: EMAIL, ...request } }),
    update: async (by: Client, request: Omit<UpdateRequest, "email">) =>
      finished(await submit(by, { kind: "update", request: { email: EMAIL, ...request } })),
    approve: (by: Client, people: PersonStore = s.people) =>
      approveDeletion(EMAIL, actor(by), { people, jobs: s.jobs, clock: s.clock }),
    hold: (by: Client) => placeHold(EMAIL, "litigation", actor(by), s),
    lift: (by: Client) => liftHold(EMAIL, actor(by), s),
    /** The webhook's look at the user (as a Dialpad event about it would prompt). */
    sync: (userId: string) =>
      syncUser(
        { type: "user_sync", user_id: userId, event_id: `event-${++events}` },
        { ...s, userSyncs: { enqueue: async () => {} }, retentionDays: s.settings.retentionDays },
      ),
    sweep: () => runSweep({ ...s.submit, people: s.people, requireApproval: false }),
    person: () => s.people.get(EMAIL),
    history: async () => (await s.people.getWithHistory(EMAIL))?.history ?? [],
  };
}

async function activeUser(l: ReturnType<typeof lifecycle>, fields: Record<string, unknown> = {}) {
  const job = await l.onboard(TICKETING);
  expect(job.status).toBe("succeeded");
  const user = l.s.dialpad.users.get(job.user_id ?? "") ?? expect.fail("no user");
  Object.assign(user, fields);
  return user;
}

/** Suspends the user by hand in Dialpad and lets the webhook see it. */
async function suspendedByHand(l: ReturnType<typeof lifecycle>) {
  const user = await activeUser(l);
  user.state = "suspended";
  await l.sync(user.id);
  expect(await l.person()).toMatchObject({ state: "suspended", deletion_requires_approval: true });
  return user;
}

const laterThan = (s: MemoryService, days: number) =>
  new Date(s.clock.now().getTime() + days * DAY_MS).toISOString();

describe("invariant 1: retention only lengthens without admin", () => {
  it("an offboard-only client cannot shorten an admin's ten-year retention; the step says what was kept", async () => {
    const l = lifecycle();
    await activeUser(l);
    await l.offboard(IT_ADMIN, { retention_days: 3650 });
    const tenYears = (await l.person())?.delete_after;
    l.s.clock.advance(1000);
    const again = await l.offboard(TICKETING, {}, "again");
    expect(again.status).toBe("succeeded");
    expect((await l.person())?.delete_after).toBe(tenYears);
    const step = again.steps.find((candidate) => candidate.name === "record_retention");
    expect(step?.detail).toContain(`kept the later deadline ${tenYears}`);
  });

  it("a hand suspension offboarded by a client without admin still waits for an approval", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const job = await l.offboard(TICKETING, { retention_days: 30 });
    expect(job.steps.at(-1)?.detail).toContain("kept the need for an approval");
    expect(await l.person()).toMatchObject({ deletion_requires_approval: true });
    l.s.clock.advance(31 * DAY_MS);
    expect(await l.sweep()).toMatchObject({ awaiting_approval: 1, created: 0 });
  });

  it("a suspension by hand our record has not seen yet needs an approval after an offboard without admin", async () => {
    const l = lifecycle();
    const user = await activeUser(l);
    user.state = "suspended"; // no webhook event yet
    await l.offboard(TICKETING);
    expect(await l.person()).toMatchObject({ state: "suspended", deletion_requires_approval: true });
  });

  it("an admin client may shorten the retention and clear the need for an approval; a hold stands", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    await l.hold(LEGAL);
    const job = await l.offboard(IT_ADMIN, { retention_days: 0 });
    expect(job.status).toBe("succeeded");
    const person = await l.person();
    expect(person?.delete_after).toBe(l.s.clock.now().toISOString());
    expect(person?.deletion_requires_approval).toBeUndefined();
    expect(person?.hold).toMatchObject({ by: "legal" });
  });
});

describe("invariant 2: separation of duties", () => {
  it("the client of an offboard that failed after the suspension may not approve; the webhook names that client", async () => {
    const l = lifecycle();
    const user = await activeUser(l);
    user.phone_numbers = ["+12125550199"];
    const manager = l.s.dialpad.addUser({ email: "manager@example.com", office_id: l.s.hq.id });
    l.s.dialpad.fail("assignNumberToTarget", {
      error: new DialpadError("rejected", "Dialpad refused the number handoff", { status: 400 }),
    });
    const job = await l.offboard(TICKETING, { number_handoff: { to: "user", email: "manager@example.com" } });
    expect([job.status, user.state, manager.phone_numbers]).toEqual(["failed", "suspended", []]);
    await l.sync(user.id);
    expect(await l.person()).toMatchObject({ state: "suspended", deletion_requires_approval: true });
    expect((await l.history()).at(-1)).toMatchObject({
      action: "suspended_by_offboard",
      client: "ticketing",
    });
    const both = { client: "ticketing", scopes: [...TICKETING.scopes, "approve"] };
    await expect(l.approve(both)).rejects.toMatchObject({ code: "self_approval" });
    expect((await l.person())?.deletion_approved_at).toBeUndefined();
    await expect(l.approve(SECURITY)).resolves.toMatchObject({
      person: { deletion_approved_at: expect.any(String) },
    });
  });

  it("an offboard still queued already bars its client from approving", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const both = { client: "ticketing", scopes: [...TICKETING.scopes, "approve"] };
    await l.submitOffboard(both);
    await expect(l.approve(both)).rejects.toMatchObject({ code: "self_approval" });
  });

  it("an offboard still open when the person is reactivated and suspended again by hand bars its client", async () => {
    const l = lifecycle();
    const user = await suspendedByHand(l);
    const both = { client: "ticketing", scopes: [...TICKETING.scopes, "approve"] };
    await l.submitOffboard(both);
    user.state = "active";
    await l.sync(user.id);
    user.state = "suspended";
    await l.sync(user.id);
    // The new suspension's history names no request of this client, but its offboard will act on it.
    await expect(l.approve(both)).rejects.toMatchObject({ code: "self_approval" });
    await l.s.work();
    await expect(l.approve(SECURITY)).resolves.toBeDefined();
  });

  it("a client that lifted a hold during the suspension may not approve its deletion", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    await l.hold(LEGAL);
    await l.lift(LEGAL);
    await expect(l.approve(LEGAL)).rejects.toMatchObject({ code: "self_approval" });
    await expect(l.approve(SECURITY)).resolves.toBeDefined();
  });

  it("after a rehire, an earlier offboard's client may approve the deletion of a new suspension", async () => {
    const l = lifecycle();
    const user = await activeUser(l);
    const both = { client: "ticketing", scopes: [...TICKETING.scopes, "approve"] };
    await l.offboard(both);
    await expect(l.approve(both)).rejects.toMatchObject({ code: "self_approval" });
    expect((await l.onboard(TICKETING, { rehire: true })).status).toBe("succeeded");
    user.state = "suspended";
    await l.sync(user.id);
    await expect(l.approve(both)).resolves.toBeDefined();
  });
});

describe("approvals and holds: what they read and write", () => {
  const TICKET = { system: "servicenow", id: "CHG0001" };
  /** The store as the use cases see it, with the record gone on every read after the first. */
  function vanishing(l: ReturnType<typeof lifecycle>): PersonStore {
    let reads = 0;
    const people = l.s.people;
    return Object.assign(Object.create(people) as PersonStore, {
      getWithHistory: async (email: string) => (reads++ === 0 ? people.getWithHistory(email) : undefined),
    });
  }

  it("an approval, a hold and its lift record the ticket and the time on the person", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    await approveDeletion(EMAIL, { ...actorOf(SECURITY), ticket: TICKET }, { ...l.s, jobs: l.s.jobs });
    await placeHold(EMAIL, "litigation", { ...actorOf(LEGAL), ticket: TICKET }, l.s);
    l.s.clock.advance(60_000);
    await liftHold(EMAIL, { ...actorOf(LEGAL), ticket: TICKET }, l.s);
    const actions = (await l.history()).filter((entry) =>
      ["deletion_approved", "hold_placed", "hold_lifted"].includes(entry.action),
    );
    expect(actions.map((entry) => [entry.action, entry.ticket])).toEqual([
      ["deletion_approved", TICKET],
      ["hold_placed", TICKET],
      ["hold_lifted", TICKET],
    ]);
    expect((await l.person())?.updated_at).toBe(l.s.clock.now().toISOString());
  });

  it("a person we hold no record of is not found, by approval, hold and lift alike", async () => {
    const l = lifecycle();
    const notFound = { code: "user_not_found" };
    await expect(l.approve(SECURITY)).rejects.toMatchObject(notFound);
    await expect(l.hold(LEGAL)).rejects.toMatchObject(notFound);
    await expect(l.lift(LEGAL)).rejects.toMatchObject(notFound);
  });

  it("a record gone by the time it is read again answers not found", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const notFound = { code: "user_not_found" };
    await expect(l.approve(SECURITY, vanishing(l))).rejects.toMatchObject(notFound);
    await expect(
      placeHold(EMAIL, "x", actorOf(LEGAL), { ...l.s, people: vanishing(l) }),
    ).rejects.toMatchObject(notFound);
    await expect(liftHold(EMAIL, actorOf(LEGAL), { ...l.s, people: vanishing(l) })).rejects.toMatchObject(
      notFound,
    );
  });

  it("a client's open offboard of someone else does not bar it from approving this person", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const both = { client: "ticketing", scopes: [...TICKETING.scopes, "approve"] };
    await l.submitOffboard(both, { email: "someone.else@example.com" });
    await expect(l.approve(both)).resolves.toBeDefined();
  });

  it("an open offboard on a later page of the person's jobs still bars its client", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const open = { client: "ticketing", status: "queued" } as Job;
    const pages = new Map<string | undefined, { items: Job[]; nextCursor?: string }>([
      [undefined, { items: [], nextCursor: "2" }],
      ["2", { items: [open] }],
    ]);
    const jobs = {
      list: async (_filter: unknown, page: { cursor?: string }) => pages.get(page.cursor) ?? { items: [] },
    };
    await expect(
      approveDeletion(EMAIL, { client: "ticketing" }, { people: l.s.people, jobs, clock: l.s.clock }),
    ).rejects.toMatchObject({ code: "self_approval" });
  });
});

describe("invariant 3: an approval belongs to one suspension", () => {
  /** The store as the approval sees it, with `meanwhile` applied right after the approval read the record. */
  function racing(l: ReturnType<typeof lifecycle>, meanwhile: () => Promise<unknown>): PersonStore {
    const people = l.s.people;
    return Object.assign(Object.create(people) as PersonStore, {
      getWithHistory: async (email: string) => {
        const found = await people.getWithHistory(email);
        await meanwhile();
        return found;
      },
    });
  }

  it("an approval read for one suspension is not written to the next", async () => {
    const l = lifecycle();
    const user = await suspendedByHand(l);
    const nextSuspension = async () => {
      l.s.clock.advance(1000);
      user.state = "active";
      await l.sync(user.id);
      user.state = "suspended";
      await l.sync(user.id);
    };
    await expect(l.approve(SECURITY, racing(l, nextSuspension))).rejects.toMatchObject({
      code: "suspension_changed",
    });
    expect(await l.person()).toMatchObject({ state: "suspended", deletion_requires_approval: true });
    expect((await l.person())?.deletion_approved_at).toBeUndefined();
    await expect(l.approve(SECURITY)).resolves.toBeDefined();
  });

  it("an approval is not written when the deadline moved earlier meanwhile; a later deadline keeps it", async () => {
    const l = lifecycle();
    await suspendedByHand(l);
    const shorten = () => l.offboard(IT_ADMIN, { retention_days: 1 });
    await expect(l.approve(SECURITY, racing(l, shorten))).rejects.toMatchObject({
      code: "suspension_changed",
    });
    const lengthen = () => l.offboard(TICKETING, { retention_days: 300 });
    await expect(l.approve(SECURITY, racing(l, lengthen))).resolves.toMatchObject({
      person: { deletion_approved_at: expect.any(String), delete_after: laterThan(l.s, 300) },
    });
  });
});

describe("legal holds", () => {
  it("only the placing client or an admin client lifts a hold (403 not_hold_owner, the hold stands)", async () => {
    const l = lifecycle();
    await activeUser(l);
    await l.hold(LEGAL);
    const otherLegal = { client: "hr", scopes: ["legal_hold"] };
    await expect(l.lift(otherLegal)).rejects.toMatchObject({ code: "not_hold_owner", kind: "not_permitted" });
    expect((await l.person())?.hold).toMatchObject({ by: "legal" });
    await expect(l.lift(IT_ADMIN)).resolves.toMatchObject({ status: "lifted" });
    expect((await l.person())?.hold).toBeUndefined();
  });
});

describe("invariant 6: no privilege without admin", () => {
  const officeAdmin = (l: ReturnType<typeof lifecycle>) => ({ admin_office_ids: [l.s.hq.id] });
  const companyAdmin = { is_super_admin: true };

  it("an admin updated by a client without admin: the job fails privileged_user and nothing changes", async () => {
    const l = lifecycle();
    const user = await activeUser(l, companyAdmin);
    const job = await l.update(TICKETING, { first_name: "Mallory" });
    expect(job.error?.code).toBe("privileged_user");
    expect(user.first_name).toBe("Ada");
    expect((await l.update(IT_ADMIN, { first_name: "Grace" })).status).toBe("succeeded");
    expect(user.first_name).toBe("Grace");
  });

  it.each([
    ["none", {}],
    ["office", { admin_office_ids: ["HQ"] }],
    ["company", { is_super_admin: true }],
  ] as const)("admin_type %s is applied only for an admin client", async (adminType, expected) => {
    const l = lifecycle();
    const user = await activeUser(l);
    const before = { admin_office_ids: [...user.admin_office_ids], is_super_admin: user.is_super_admin };
    const refused = await l.update(TICKETING, { admin_type: adminType });
    expect(refused.error?.code).toBe("privileged_user");
    expect({ admin_office_ids: user.admin_office_ids, is_super_admin: user.is_super_admin }).toEqual(before);
    expect((await l.update(IT_ADMIN, { admin_type: adminType })).status).toBe("succeeded");
    const officeIds = "admin_office_ids" in expected ? [l.s.hq.id] : [];
    if (adminType !== "company") expect(user.admin_office_ids).toEqual(officeIds);
    expect(user.is_super_admin).toBe(adminType === "company");
  });

  it.each(["office", "company"] as const)(
    "onboarding as a %s admin needs an admin client",
    async (adminType) => {
      const l = lifecycle();
      const refused = await l.onboard(TICKETING, { admin_type: adminType });
      expect(refused.error?.code).toBe("privileged_user");
      expect(l.s.dialpad.byEmail(EMAIL)).toEqual([]);
      expect((await l.onboard(IT_ADMIN, { admin_type: adminType })).status).toBe("succeeded");
    },
  );

  it.each([
    ["an office", "office"],
    ["a company", "company"],
  ] as const)("%s admin is neither offboarded nor deleted without admin", async (_kind, adminType) => {
    const l = lifecycle();
    const user = await activeUser(l, adminType === "office" ? officeAdmin(l) : companyAdmin);
    const refused = await l.offboard(TICKETING, { retention_days: 30 });
    expect([refused.error?.code, user.state]).toEqual(["privileged_user", "active"]);
    // Suspended by hand and approved by a client without admin: the delete job refuses too.
    user.state = "suspended";
    await l.sync(user.id);
    await l.approve(SECURITY);
    l.s.clock.advance(31 * DAY_MS);
    await l.sweep();
    await l.s.work();
    const deletion = l.s.jobs.all().find((job) => job.kind === "delete");
    expect(deletion?.error?.code).toBe("privileged_user");
    expect(user.state).toBe("suspended");
    expect(authorityOf(SECURITY.scopes).admin).toBe(false);
  });
});

describe("request keys", () => {
  it("an offboard repeated after a rehire, with no key and no ticket, runs again once a day has passed", async () => {
    const l = lifecycle();
    const user = await activeUser(l);
    const first = await l.offboard(TICKETING);
    expect(user.state).toBe("suspended");
    expect((await l.onboard(TICKETING, { rehire: true })).status).toBe("succeeded");
    expect(user.state).toBe("active");
    // Within the day, the same body is a repeat: the old job answers.
    expect((await l.submitOffboard(TICKETING)).job_id).toBe(first.job_id);
    l.s.clock.advance(DAY_MS);
    const second = await l.offboard(TICKETING);
    expect(second.job_id).not.toBe(first.job_id);
    expect([second.status, user.state]).toEqual(["succeeded", "suspended"]);
  });

  it("a ticket key keeps answering its job after a day", async () => {
    const l = lifecycle();
    await activeUser(l);
    const ticket = { system: "jira", id: "IT-1" };
    const first = await l.offboard(TICKETING, { ticket });
    l.s.clock.advance(400 * DAY_MS);
    expect((await l.submitOffboard(TICKETING, { ticket })).job_id).toBe(first.job_id);
  });
});
