/**
 * The offboard job, step by step, over in-memory ports: finding the user (by email, by id, both),
 * what each step answers and what the person's history records, the number handoff choices, the
 * call centers read before each removal, and an offboard that stops without its suspension
 * standing (refused by Dialpad, reactivated by hand): its marker goes, so a later suspension by
 * hand is not taken for this offboard's.
 */
import { describe, expect, it } from "vitest";
import { DialpadError } from "../../../shared/dialpad/errors";
import type { DialpadUser } from "../../../shared/dialpad/schemas";
import type { Job, OffboardRequest } from "../../../shared/lifecycle/model";
import { decideSync } from "../../../shared/webhook/sync-decision";
import { type MemoryService, memoryService } from "../support/memory-service";

const steps = (job: Job | undefined) => job?.steps.map(({ name, status, detail }) => [name, status, detail]);

async function activePerson(
  s: MemoryService,
  email: string,
  extra: { area_code?: string; phone_number?: string } = {},
) {
  const { job } = await s.onboard({ email, ...extra });
  await s.work();
  const userId = (await s.jobs.get(job.job_id))?.user_id ?? expect.fail("not onboarded");
  return s.dialpad.users.get(userId) ?? expect.fail("no user");
}

async function offboarded(s: MemoryService, request: OffboardRequest) {
  const { job } = await s.offboard(request);
  await s.work();
  return (await s.jobs.get(job.job_id)) as Job;
}

async function history(s: MemoryService, email: string, action?: string) {
  const entries = (await s.people.getWithHistory(email))?.history ?? [];
  return action ? entries.filter((entry) => entry.action === action) : entries;
}

/** How the webhook would record the user being seen suspended now (a suspension by hand, or ours). */
async function suspensionSeenNow(s: MemoryService, email: string, userId: string) {
  const person = (await s.people.get(email)) ?? expect.fail("no record");
  return decideSync(person, { id: userId, state: "suspended" }, s.clock.now(), 30, "ev-1").change?.history;
}

const notFound = () => new DialpadError("not_found", "No such user.", { status: 404 });
const refused = () => new DialpadError("rejected", "Refused.", { status: 400 });

describe("finding the user", () => {
  it("by id alone, for someone we hold no record of: learns the email (lower-cased) and records the person", async () => {
    const s = memoryService();
    const user = s.dialpad.addUser({ email: "x@example.com", office_id: s.hq.id });
    user.emails = ["New.Hire@Example.com"];
    const job = await offboarded(s, { user_id: user.id });
    expect(job).toMatchObject({ status: "succeeded", email: "new.hire@example.com", user_id: user.id });
    expect(user.state).toBe("suspended");
    expect(await s.people.get("new.hire@example.com")).toMatchObject({
      state: "suspended",
      user_id: user.id,
    });
  });

  it.each([
    ["an empty list", []],
    ["no list", undefined],
  ])(
    "by id, of a Dialpad user without an email (%s): fails user_not_found, nothing changed",
    async (_, emails) => {
      const s = memoryService();
      const user = s.dialpad.addUser({ email: "x@example.com", office_id: s.hq.id });
      if (emails) user.emails = emails;
      else Reflect.deleteProperty(user, "emails");
      const job = await offboarded(s, { user_id: user.id });
      expect(job).toMatchObject({ status: "failed", error: { code: "user_not_found" } });
      expect(user.state).toBe("active");
    },
  );

  it("by id, of a user Dialpad has deleted: fails user_not_found", async () => {
    const s = memoryService();
    const user = s.dialpad.addUser({ email: "late@example.com", office_id: s.hq.id, state: "deleted" });
    const job = await offboarded(s, { user_id: user.id });
    expect(job).toMatchObject({ status: "failed", error: { code: "user_not_found" } });
    expect(s.dialpad.count("updateUser")).toBe(0);
  });

  it("by id, when Dialpad fails once (503): retried, not taken for an unknown user", async () => {
    const s = memoryService();
    const user = await activePerson(s, "flaky@example.com");
    s.dialpad.fail("getUser");
    const job = await offboarded(s, { user_id: user.id });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(user.state).toBe("suspended");
  });

  it("by id and email naming the same user (any case): offboarded", async () => {
    const s = memoryService();
    const user = await activePerson(s, "pair@example.com");
    user.emails = ["Pair@Example.com"];
    const job = await offboarded(s, { user_id: user.id, email: "pair@example.com" });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(user.state).toBe("suspended");
  });

  it.each([
    ["another person's email", ["other@example.com"]],
    ["no email at all", undefined],
  ])(
    "by id and an email the user does not have (%s): identity_mismatch, nothing changed",
    async (_, emails) => {
      const s = memoryService();
      const user = await activePerson(s, "mine@example.com");
      await activePerson(s, "theirs@example.com");
      if (emails) user.emails = emails;
      else Reflect.deleteProperty(user, "emails");
      const job = await offboarded(s, { user_id: user.id, email: "theirs@example.com" });
      expect(job).toMatchObject({ status: "failed", error: { code: "identity_mismatch" } });
      expect(user.state).toBe("active");
      expect(s.dialpad.count("updateUser")).toBe(0);
    },
  );

  it("by email, passing over a deleted account that had the same email, even when Dialpad lists it", async () => {
    const s = memoryService();
    const old = s.dialpad.addUser({ email: "again@example.com", office_id: s.hq.id, state: "deleted" });
    const live = s.dialpad.addUser({ email: "again@example.com", office_id: s.hq.id });
    // Dialpad does not document which states a look-up without a filter returns: here, every one.
    const find = s.dialpad.findUsersByEmail.bind(s.dialpad);
    s.dialpad.findUsersByEmail = (email) => find(email, "all");
    const job = await offboarded(s, { email: "again@example.com" });
    expect(job).toMatchObject({ status: "succeeded", user_id: live.id });
    expect(live.state).toBe("suspended");
    expect(old.state).toBe("deleted");
  });
});

describe("each step's answer and the history", () => {
  it("records the request at intake (client, ticket) and every step's answer", async () => {
    const s = memoryService();
    const user = await activePerson(s, "told@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    const [number] = user.phone_numbers;
    const ticket = { system: "jira", id: "HR-7" };
    s.clock.advance(60_000);
    const { job: accepted } = await s.offboard({ email: "told@example.com", ticket, retention_days: 7 });
    expect((await s.people.get("told@example.com"))?.updated_at).toBe(accepted.created_at);
    // On the history at once, before the job runs.
    expect(await history(s, "told@example.com", "offboard_requested")).toEqual([
      expect.objectContaining({
        at: accepted.created_at,
        source: "api",
        job_id: accepted.job_id,
        client: s.client,
        ticket,
      }),
    ]);
    await s.work();
    const job = await s.jobs.get(accepted.job_id);
    const deadline = new Date(s.clock.now().getTime() + 7 * 24 * 3600 * 1000).toISOString();
    expect(steps(job)).toEqual([
      ["resolve_user", "succeeded", `user ${user.id} is active; 1 number(s) to keep`],
      ["suspend_user", "succeeded", `suspended user ${user.id}`],
      ["remove_from_call_centers", "succeeded", `removed from ${s.support.id}`],
      ["hand_off_numbers", "skipped", "numbers kept until the deletion"],
      ["record_retention", "succeeded", `delete after ${deadline} (7 days)`],
    ]);
    expect(user.phone_numbers).toEqual([number]);
    expect((await history(s, "told@example.com")).map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["offboard_requested", "offboard_started", "offboarded"]),
    );
    expect(await history(s, "told@example.com", "offboarded")).toEqual([
      expect.objectContaining({ source: "worker", job_id: accepted.job_id, client: s.client, ticket }),
    ]);
  });

  it("an offboard of someone we hold no record of writes nothing at intake", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "unknown@example.com", office_id: s.hq.id });
    await s.offboard({ email: "unknown@example.com" });
    expect(await s.people.getWithHistory("unknown@example.com")).toBeUndefined();
  });

  it("a user in no call center, holding no number (Dialpad leaves the empty list out), handed to a department", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "empty@example.com");
    const omitEmpty = (user: DialpadUser): DialpadUser => {
      const { phone_numbers, ...rest } = user;
      return phone_numbers && phone_numbers.length > 0 ? user : rest;
    };
    const read = s.dialpad.getUser.bind(s.dialpad);
    s.dialpad.getUser = async (id) => omitEmpty(await read(id));
    const find = s.dialpad.findUsersByEmail.bind(s.dialpad);
    s.dialpad.findUsersByEmail = async (email) => (await find(email)).map(omitEmpty);
    const job = await offboarded(s, {
      email: "empty@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(steps(job)?.slice(0, 4)).toEqual([
      ["resolve_user", "succeeded", `user ${user.id} is active; 0 number(s) to department ${desk.id} (Desk)`],
      ["suspend_user", "succeeded", `suspended user ${user.id}`],
      ["remove_from_call_centers", "skipped", "in no call center"],
      ["hand_off_numbers", "skipped", "the user holds no number"],
    ]);
    expect(await history(s, "empty@example.com", "numbers_handed_off")).toEqual([]);
  });
});

describe("the numbers handoff", () => {
  it("to a department: each number moves once, the step and the history say where", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "mover@example.com", { area_code: "212" });
    const [number] = user.phone_numbers;
    const job = await offboarded(s, {
      email: "mover@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    const where = `${number} → department ${desk.id} (Desk)`;
    expect(steps(job)?.[3]).toEqual(["hand_off_numbers", "succeeded", where]);
    expect(user.phone_numbers).toEqual([]);
    expect(await history(s, "mover@example.com", "numbers_handed_off")).toEqual([
      expect.objectContaining({ source: "worker", job_id: job.job_id, detail: where }),
    ]);
  });

  it("an answer lost after the first number moved: the resumed step still names every number", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "two@example.com", { phone_number: "+12125550100" });
    s.dialpad.available.splice(s.dialpad.available.indexOf("+12125550101"), 1);
    user.phone_numbers.push("+12125550101");
    s.dialpad.fail("assignNumberToTarget", { applied: true });
    const job = await offboarded(s, {
      email: "two@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    const where = `+12125550100 → department ${desk.id} (Desk); +12125550101 → department ${desk.id} (Desk)`;
    expect(steps(job)?.[3]).toEqual(["hand_off_numbers", "succeeded", where]);
    expect((await history(s, "two@example.com", "numbers_handed_off")).map((entry) => entry.detail)).toEqual([
      where,
    ]);
  });

  it("a target Dialpad no longer finds at the first number: fails, nothing recorded as moved", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "stay@example.com", { area_code: "212" });
    const numbers = [...user.phone_numbers];
    const handOff = s.dialpad.assignNumberToTarget.bind(s.dialpad);
    s.dialpad.assignNumberToTarget = async (number, request) => {
      s.dialpad.departments.delete(desk.id); // removed by an admin after the resolution
      return handOff(number, request);
    };
    const job = await offboarded(s, {
      email: "stay@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "handoff_target_not_found" } });
    expect(user.phone_numbers).toEqual(numbers);
    expect(await history(s, "stay@example.com", "numbers_handed_off")).toEqual([]);
  });
});

describe("call centers, read before each removal", () => {
  it("a user reactivated by hand after the first removal keeps its other membership and its numbers: the offboard stops", async () => {
    const s = memoryService();
    const sales = s.dialpad.addCallCenter("Sales", s.hq.id);
    const user = await activePerson(s, "back@example.com", { area_code: "212" });
    const numbers = [...user.phone_numbers];
    s.support.operators.add(user.id);
    sales.operators.add(user.id);
    const remove = s.dialpad.removeOperator.bind(s.dialpad);
    s.dialpad.removeOperator = async (callCenterId, userId) => {
      const answer = await remove(callCenterId, userId);
      user.state = "active"; // reactivated in Dialpad's console meanwhile
      return answer;
    };
    const { job: accepted } = await s.offboard({ email: "back@example.com" });
    await s.work();
    const done = await s.jobs.get(accepted.job_id);
    expect(done?.status, JSON.stringify(done?.steps)).toBe("cancelled");
    expect(done?.cancel_reason).toContain("reactivated");
    expect(s.dialpad.count("removeOperator")).toBe(1);
    expect(s.support.operators.has(user.id) !== sales.operators.has(user.id)).toBe(true);
    expect(user).toMatchObject({ state: "active", phone_numbers: numbers });
    expect(await history(s, "back@example.com", "offboard_stopped")).toEqual([
      expect.objectContaining({ source: "worker", job_id: accepted.job_id }),
    ]);
    // A later suspension by hand is one: not taken for this offboard's.
    expect(await suspensionSeenNow(s, "back@example.com", user.id)).toMatchObject({
      action: "suspended_by_hand",
    });
  });

  it("a user Dialpad deleted before the removals: nothing left to take away, the job ends", async () => {
    const s = memoryService();
    const user = await activePerson(s, "gone@example.com", { area_code: "212" });
    s.support.operators.add(user.id);
    const suspend = s.dialpad.updateUser.bind(s.dialpad);
    s.dialpad.updateUser = async (id, patch) => {
      const answer = await suspend(id, patch);
      s.dialpad.users.delete(id); // deleted by hand right after
      return answer;
    };
    const job = await offboarded(s, { email: "gone@example.com" });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(steps(job)?.slice(2)).toEqual([
      ["remove_from_call_centers", "skipped", `Dialpad user ${user.id} no longer exists`],
      ["hand_off_numbers", "skipped", `not needed: Dialpad user ${user.id} no longer exists`],
      ["record_retention", "skipped", `not needed: Dialpad user ${user.id} no longer exists`],
    ]);
    expect(s.dialpad.count("removeOperator")).toBe(0);
  });

  it("a user deleted after one removal: the step says which it left", async () => {
    const s = memoryService();
    const sales = s.dialpad.addCallCenter("Sales", s.hq.id);
    const user = await activePerson(s, "half@example.com");
    s.support.operators.add(user.id);
    sales.operators.add(user.id);
    const remove = s.dialpad.removeOperator.bind(s.dialpad);
    s.dialpad.removeOperator = async (callCenterId, userId) => {
      const answer = await remove(callCenterId, userId);
      user.state = "deleted";
      return answer;
    };
    const job = await offboarded(s, { email: "half@example.com" });
    const [removed] = (s.dialpad.calls.find((call) => call.method === "removeOperator")?.args ??
      []) as string[];
    expect(steps(job)?.[2]).toEqual([
      "remove_from_call_centers",
      "succeeded",
      `Dialpad user ${user.id} no longer exists; removed from ${removed} before`,
    ]);
  });
});

describe("reads that fail, states Dialpad does not name, jobs stored by an older version", () => {
  it("a read failing (503) before a removal is retried: the memberships still go", async () => {
    const s = memoryService();
    const user = await activePerson(s, "blip@example.com");
    s.support.operators.add(user.id);
    s.dialpad.fail("getUser");
    const job = await offboarded(s, { email: "blip@example.com" });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.support.operators.has(user.id)).toBe(false);
  });

  it("a user in no state Dialpad names after the suspension: the offboard stops and says so", async () => {
    const s = memoryService();
    const user = await activePerson(s, "odd@example.com");
    const suspend = s.dialpad.updateUser.bind(s.dialpad);
    s.dialpad.updateUser = async (id, patch) => {
      const answer = await suspend(id, patch);
      Reflect.deleteProperty(user, "state");
      return answer;
    };
    const job = await offboarded(s, { email: "odd@example.com" });
    expect(job.status).toBe("cancelled");
    expect(job.cancel_reason).toContain("in an unknown state");
  });

  it.each([
    [
      "no handoff (before handoffs existed): the numbers are kept",
      "handoff",
      "numbers kept until the deletion",
    ],
    ["no numbers list: those it moves now are reported", "numbers", "moved"],
  ])("a job stored with %s", async (_, field, outcome) => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "older@example.com", { area_code: "212" });
    const [number] = user.phone_numbers;
    s.support.operators.add(user.id);
    s.dialpad.fail("removeOperator"); // the first attempt stops before the handoff...
    const { job: accepted } = await s.offboard({
      email: "older@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    await s.work(1);
    // ...and its progress is then read as an older version stored it.
    const stored = (s.jobs as unknown as { jobs: Map<string, { job: Job }> }).jobs.get(accepted.job_id);
    if (!stored) expect.fail("no stored job");
    Reflect.deleteProperty(stored.job.progress, field);
    await s.work();
    const job = await s.jobs.get(accepted.job_id);
    expect(job?.status, JSON.stringify(job?.steps)).toBe("succeeded");
    if (outcome === "moved")
      expect(steps(job)?.[3]).toEqual([
        "hand_off_numbers",
        "succeeded",
        `${number} → department ${desk.id} (Desk)`,
      ]);
    else {
      expect(steps(job)?.[3]).toEqual(["hand_off_numbers", "skipped", outcome]);
      expect(user.phone_numbers).toEqual([number]);
    }
  });
});

describe("the suspension marker of an offboard that stops", () => {
  it("Dialpad refusing the suspension: the job fails, and a later suspension by hand is recorded as one", async () => {
    const s = memoryService();
    const user = await activePerson(s, "refused@example.com");
    s.dialpad.updateUser = async () => {
      s.clock.advance(1000);
      throw refused();
    };
    const job = await offboarded(s, { email: "refused@example.com" });
    expect(job).toMatchObject({ status: "failed", error: { code: "dialpad_rejected" } });
    expect((await s.people.get("refused@example.com"))?.updated_at).toBe(s.clock.now().toISOString());
    expect(await history(s, "refused@example.com", "offboard_stopped")).toEqual([
      expect.objectContaining({ source: "worker", job_id: job.job_id }),
    ]);
    user.state = "suspended"; // by hand, weeks later
    expect(await suspensionSeenNow(s, "refused@example.com", user.id)).toMatchObject({
      action: "suspended_by_hand",
    });
  });

  it("a transient failure of the suspension keeps the marker: the retried suspension is still ours", async () => {
    const s = memoryService();
    const user = await activePerson(s, "retry@example.com");
    s.dialpad.fail("updateUser", { applied: true });
    await s.offboard({ email: "retry@example.com" });
    await s.work(1);
    expect(user.state).toBe("suspended");
    expect(await suspensionSeenNow(s, "retry@example.com", user.id)).toMatchObject({
      action: "suspended_by_offboard",
      client: s.client,
    });
    expect(await history(s, "retry@example.com", "offboard_stopped")).toEqual([]);
  });

  it("an offboard of someone suspended by hand, failing before its last step, leaves the suspension a hand one", async () => {
    const s = memoryService();
    const desk = s.dialpad.addDepartment("Desk", s.hq.id);
    const user = await activePerson(s, "onleave@example.com", { area_code: "212" });
    user.state = "suspended"; // by hand; the webhook has not been seen yet
    s.dialpad.fail("assignNumberToTarget", { error: notFound() });
    const job = await offboarded(s, {
      email: "onleave@example.com",
      number_handoff: { to: "department", id: desk.id },
    });
    expect(job.status).toBe("failed");
    expect(await suspensionSeenNow(s, "onleave@example.com", user.id)).toMatchObject({
      action: "suspended_by_hand",
    });
  });
});
