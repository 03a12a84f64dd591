/**
 * The onboarding step machine over in-memory ports and the fake Dialpad: every course of the
 * product contract, and a crash (or an ambiguous answer) at every Dialpad change resuming to one
 * fully configured user per email.
 */
import { describe, expect, it } from "vitest";
import { DialpadError } from "../../../shared/dialpad/errors";
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import type { Job, JobOf } from "../../../shared/lifecycle/model";
import type { DialpadMethod } from "../support/fake-dialpad";
import { type MemoryService, memoryService } from "../support/memory-service";

async function onboarded(s: MemoryService, request: Parameters<MemoryService["onboard"]>[0]) {
  const { job } = await s.onboard(request);
  await s.work();
  return (await s.jobs.get(job.job_id)) as JobOf<"onboard">;
}

const stepStatuses = (job: Job) => Object.fromEntries(job.steps.map((step) => [step.name, step.status]));

describe("onboarding", () => {
  it("creates the user in the named office and records the person active", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "ada@example.com" });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    const [user] = s.dialpad.byEmail("ada@example.com");
    expect(user).toMatchObject({ state: "active", office_id: s.hq.id, first_name: "Ada" });
    expect(job.user_id).toBe(user?.id);
    expect(job.progress).toMatchObject({ office_id: s.hq.id, user_id: user?.id, outcome: "created" });
    expect(await s.people.get("ada@example.com")).toMatchObject({ state: "active", user_id: user?.id });
    const history = await s.people.getWithHistory("ada@example.com");
    expect(history?.history.map((entry) => entry.action)).toEqual(["onboarded"]);
  });

  it("records every step in order, none left started", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "steps@example.com", area_code: "212" });
    expect(job.steps.map((step) => step.name)).toEqual([
      "resolve_office",
      "find_existing_user",
      "check_seats",
      "create_user",
      "apply_profile",
      "assign_number",
      "add_to_call_centers",
      "record_person",
    ]);
    expect(job.steps.map((step) => step.status)).not.toContain("started");
  });

  it("takes an office id as given, without listing offices", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "byid@example.com", office_id: s.hq.id });
    expect(job.status).toBe("succeeded");
    expect(s.dialpad.count("listOffices")).toBe(0);
  });

  it("fails office_not_found for an unknown office name, creating nothing", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "nowhere@example.com", office_name: "Atlantis" });
    expect(job).toMatchObject({ status: "failed", error: { code: "office_not_found" } });
    expect(stepStatuses(job).resolve_office).toBe("failed");
    expect(s.dialpad.count("createUser")).toBe(0);
  });

  it("fails office_not_found for an unknown office id", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "badid@example.com", office_id: "123" });
    expect(job).toMatchObject({ status: "failed", error: { code: "office_not_found" } });
    expect(s.dialpad.byEmail("badid@example.com")).toEqual([]);
  });

  it("fails no_seats when the office has no seat of the licence's line", async () => {
    const s = memoryService();
    const full = s.dialpad.addOffice("Full", { talk_lines: 0 });
    const job = await onboarded(s, { email: "seatless@example.com", office_id: full.id });
    expect(job).toMatchObject({ status: "failed", error: { code: "no_seats" } });
    expect(s.dialpad.byEmail("seatless@example.com")).toEqual([]);
  });

  it("checks the seat line of the licence (agents use sell lines)", async () => {
    const s = memoryService();
    const office = s.dialpad.addOffice("Sales", { talk_lines: 5, sell_lines: 0 });
    const job = await onboarded(s, { email: "agent@example.com", office_id: office.id, license: "agents" });
    expect(job).toMatchObject({ status: "failed", error: { code: "no_seats" } });
  });

  it("adopts an active user who already owns the email, taking no new seat", async () => {
    const s = memoryService();
    const existing = s.dialpad.addUser({ email: "known@example.com", office_id: s.hq.id, first_name: "Old" });
    const job = await onboarded(s, { email: "known@example.com" });
    expect(job.status).toBe("succeeded");
    expect(job.progress.outcome).toBe("adopted");
    expect(stepStatuses(job).check_seats).toBe("skipped");
    expect(s.dialpad.count("createUser")).toBe(0);
    expect(s.dialpad.users.get(existing.id)?.first_name).toBe("Ada");
    const history = await s.people.getWithHistory("known@example.com");
    expect(history?.history.map((entry) => entry.action)).toEqual(["adopted"]);
  });

  it("reactivates a suspended user with the email (a rehire), keeping one account", async () => {
    const s = memoryService();
    const existing = s.dialpad.addUser({ email: "back@example.com", office_id: s.hq.id, state: "suspended" });
    const job = await onboarded(s, { email: "back@example.com", rehire: true } as never);
    expect(job.status, JSON.stringify(job)).toBe("succeeded");
    expect(job.progress.outcome).toBe("reactivated");
    expect(s.dialpad.users.get(existing.id)?.state).toBe("active");
    expect(s.dialpad.byEmail("back@example.com")).toHaveLength(1);
  });

  it("fails email_in_use when the email belongs to a pending account", async () => {
    const s = memoryService();
    s.dialpad.addUser({ email: "pending@example.com", office_id: s.hq.id, state: "pending" });
    const job = await onboarded(s, { email: "pending@example.com" });
    expect(job).toMatchObject({ status: "failed", error: { code: "email_in_use" } });
  });

  it("assigns a number from the requested area code", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "nyc@example.com", area_code: "646" });
    expect(job.progress.phone_number).toBe("+16465550100");
    expect(s.dialpad.byEmail("nyc@example.com")[0]?.phone_numbers).toEqual(["+16465550100"]);
  });

  it("assigns the exact number asked for", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "exact@example.com", phone_number: "+12125550101" });
    expect(job.status).toBe("succeeded");
    expect(s.dialpad.byEmail("exact@example.com")[0]?.phone_numbers).toEqual(["+12125550101"]);
  });

  it("fails number_unavailable when no number of the area code is free; the user stays", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "la@example.com", area_code: "310" });
    expect(job).toMatchObject({ status: "failed", error: { code: "number_unavailable" } });
    expect(stepStatuses(job).assign_number).toBe("failed");
  });

  it("skips the number when none is asked for", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "nonumber@example.com" });
    expect(stepStatuses(job).assign_number).toBe("skipped");
    expect(s.dialpad.count("assignNumber")).toBe(0);
  });

  it("adds the user to every requested call center", async () => {
    const s = memoryService();
    const sales = s.dialpad.addCallCenter("Sales", s.hq.id);
    const job = await onboarded(s, { email: "cc@example.com", call_center_ids: [s.support.id, sales.id] });
    const userId = job.user_id ?? "";
    expect(s.support.operators.has(userId)).toBe(true);
    expect(sales.operators.has(userId)).toBe(true);
  });

  it("fails call_center_not_found for a call center that does not exist", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "nocc@example.com", call_center_ids: ["999"] });
    expect(job).toMatchObject({ status: "failed", error: { code: "call_center_not_found" } });
  });

  it("sets the extension and office admin rights in one profile update (a client with admin)", async () => {
    const s = memoryService({ scopes: ["onboard", "admin"] });
    const job = await onboarded(s, { email: "admin@example.com", extension: "4242", admin_type: "office" });
    const [user] = s.dialpad.byEmail("admin@example.com");
    expect(job.status).toBe("succeeded");
    expect(user).toMatchObject({ extension: "4242", admin_office_ids: [s.hq.id] });
  });

  it("skips the profile step when a created user needs nothing more", async () => {
    const s = memoryService();
    const job = await onboarded(s, { email: "plain@example.com" });
    expect(stepStatuses(job).apply_profile).toBe("skipped");
    expect(s.dialpad.count("updateUser")).toBe(0);
  });

  it("an onboarding asked twice (same key) makes one job, one message, one user", async () => {
    const s = memoryService();
    const first = await s.onboard({ email: "twice@example.com" }, "key-1");
    const second = await s.onboard({ email: "twice@example.com" }, "key-1");
    expect(second).toMatchObject({ created: false, job: { job_id: first.job.job_id } });
    expect(s.queue.sent).toHaveLength(1);
    await s.work();
    expect(s.dialpad.byEmail("twice@example.com")).toHaveLength(1);
  });

  it("retries a transient failure and succeeds on the next delivery", async () => {
    const s = memoryService();
    s.dialpad.fail("getAvailableLicenses");
    const job = await onboarded(s, { email: "flaky@example.com" });
    expect(job.status).toBe("succeeded");
    expect(s.dialpad.count("getAvailableLicenses")).toBe(2);
  });

  it("a step refused by Dialpad (403) fails the job at once with dialpad_rejected", async () => {
    const s = memoryService();
    s.dialpad.fail("createUser", { error: new DialpadError("forbidden", "Not allowed.", 403) });
    const job = await onboarded(s, { email: "refused@example.com" });
    expect(job).toMatchObject({ status: "failed", error: { code: "dialpad_rejected" } });
    expect(s.dialpad.count("createUser")).toBe(1);
  });

  it("a create refused for want of seats fails no_seats", async () => {
    const s = memoryService();
    s.dialpad.fail("createUser", { error: new DialpadError("no_seats", "No seats.", 400) });
    const job = await onboarded(s, { email: "lastseat@example.com" });
    expect(job).toMatchObject({ status: "failed", error: { code: "no_seats" } });
  });
});

describe("onboarding resumes after a crash at each Dialpad change", () => {
  // Dialpad applies the change and the answer is lost (a crash, a timeout): the step stays
  // "started", and the next delivery must verify before acting.
  const changes: DialpadMethod[] = ["createUser", "updateUser", "assignNumber", "addOperator"];

  it.each(changes)("an answer lost after %s still ends with one fully configured user", async (method) => {
    const s = memoryService();
    s.dialpad.fail(method, { applied: true });
    const job = await onboarded(s, {
      email: "crash@example.com",
      area_code: "212",
      extension: "77",
      call_center_ids: [s.support.id],
    });
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    const users = s.dialpad.byEmail("crash@example.com");
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ state: "active", extension: "77" });
    expect(users[0]?.phone_numbers).toHaveLength(1);
    expect(s.support.operators.has(users[0]?.id ?? "")).toBe(true);
    expect(job.steps.map((step) => step.status)).not.toContain("started");
  });

  it.each(changes)("a failure before %s applied retries it once more", async (method) => {
    const s = memoryService();
    s.dialpad.fail(method, { applied: false });
    const job = await onboarded(s, {
      email: "before@example.com",
      area_code: "212",
      extension: "77",
      call_center_ids: [s.support.id],
    });
    expect(job.status).toBe("succeeded");
    expect(s.dialpad.byEmail("before@example.com")).toHaveLength(1);
    expect(s.dialpad.byEmail("before@example.com")[0]?.phone_numbers).toHaveLength(1);
  });

  it("an ambiguous assign_number is never repeated blindly: the resumed step finds the number", async () => {
    const s = memoryService();
    s.dialpad.fail("assignNumber", { applied: true });
    await onboarded(s, { email: "onenumber@example.com", area_code: "212" });
    expect(s.dialpad.count("assignNumber")).toBe(1);
    expect(s.dialpad.available).toContain("+12125550101"); // the second 212 number stays free
  });

  it("an ambiguous create is followed by a look-up, never a second create", async () => {
    const s = memoryService();
    s.dialpad.fail("createUser", { applied: true });
    const job = await onboarded(s, { email: "ambiguous@example.com" });
    expect(job.status).toBe("succeeded");
    expect(s.dialpad.count("createUser")).toBe(1);
    expect(s.dialpad.byEmail("ambiguous@example.com")).toHaveLength(1);
  });

  it("a create that raced another one (409) adopts the user now active", async () => {
    const s = memoryService();
    s.dialpad.fail("createUser", { applied: true, error: new DialpadError("conflict", "exists", 409) });
    const job = await onboarded(s, { email: "raced@example.com" });
    expect(job.status).toBe("succeeded");
    expect(job.progress.outcome).toBe("adopted");
    expect(s.dialpad.byEmail("raced@example.com")).toHaveLength(1);
  });

  it("a stored progress record that does not fit its kind's schema is refused on load", () => {
    expect(() => JOB_KINDS.parseProgress("onboard", { outcome: "invented" })).toThrow();
    expect(() => JOB_KINDS.parseProgress("offboard", { user_id: 42 })).toThrow();
    expect(JOB_KINDS.parseProgress("onboard", { user_id: "1", legacy_key: true })).toEqual({ user_id: "1" });
  });
});
