import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

describe("onboard and offboard through the queue, worker and Dialpad sandbox", () => {
  let h: LifecycleHarness;
  const seatChecks: { officeId: string; line: string; left: number }[] = [];
  beforeAll(async () => {
    h = await startLifecycleHarness({
      wrapLifecycle: (deps) => ({ ...deps, onSeatsChecked: (seats) => seatChecks.push(seats) }),
    });
  });
  afterAll(() => h.stop());

  it("onboards by office name with licence, area code and two call centers, then offboards", async () => {
    const support = h.sandbox.state.callCenter("Support");
    const sales = h.sandbox.state.callCenter("Sales");
    if (!support || !sales) throw new Error("sandbox seed lacks the Support/Sales call centers");
    const { job, created } = await h.onboard({
      email: "grace.hopper@example.com",
      first_name: "Grace",
      last_name: "Hopper",
      office_name: "HQ",
      license: "agents",
      area_code: "415",
      call_center_ids: [support.id, sales.id],
      ticket: { system: "servicenow", id: "RITM0001" },
    });
    expect(created).toBe(true);
    expect(job.status).toBe("queued");

    const done = await h.waitForJob(job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    const user = h.sandbox.state.userByEmail("grace.hopper@example.com");
    expect(user?.state).toBe("active");
    expect(user?.license).toBe("agents");
    expect(user?.officeId).toBe(h.sandbox.state.office("HQ")?.id);
    expect(user?.phoneNumbers).toHaveLength(1);
    expect(user?.phoneNumbers[0]).toMatch(/^\+1415/);
    for (const cc of ["Support", "Sales"])
      expect(h.sandbox.state.callCenter(cc)?.operators.map((o) => o.userId)).toContain(user?.id);
    expect(done.user_id).toBe(user?.id);
    expect(done.steps.map((s) => s.status)).not.toContain("started");

    const person = await h.service.people.getWithHistory("grace.hopper@example.com");
    expect(person?.person).toMatchObject({ state: "active", user_id: user?.id });
    expect(person?.history[0]).toMatchObject({
      action: "onboarded",
      client: "test-client",
      ticket: { id: "RITM0001" },
    });

    const off = await h.offboard({ email: "grace.hopper@example.com", retention_days: 10 });
    const offDone = await h.waitForJob(off.job.job_id);
    expect(offDone.status, JSON.stringify(offDone.steps)).toBe("succeeded");
    expect(h.sandbox.state.user(user?.id ?? "")?.state).toBe("suspended");
    for (const cc of ["Support", "Sales"])
      expect(h.sandbox.state.callCenter(cc)?.operators.map((o) => o.userId)).not.toContain(user?.id);
    const after = await h.service.people.getWithHistory("grace.hopper@example.com");
    expect(after?.person.state).toBe("suspended");
    const deleteAfter = Date.parse(after?.person.delete_after ?? "");
    expect(deleteAfter - Date.parse(after?.person.suspended_at ?? "")).toBe(10 * 24 * 3600 * 1000);
    expect(after?.history.map((e) => e.action)).toEqual([
      "onboarded",
      "offboard_requested",
      "offboard_started",
      "offboarded",
    ]);
  });

  it("fails at once with no_seats, creating nothing", async () => {
    const remote = h.sandbox.state.office("Remote");
    if (!remote) throw new Error("no Remote office");
    h.sandbox.seed.seats(remote.id, { talk_lines: 0 });
    const { job } = await h.onboard({ email: "no.seat@example.com", office_id: remote.id });
    const done = await h.waitForJob(job.job_id);
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("no_seats");
    expect(h.sandbox.state.userByEmail("no.seat@example.com")).toBeUndefined();
    expect(await h.service.people.get("no.seat@example.com")).toBeUndefined();
    // What the SeatsLeft metric (and its alarm) is fed with.
    expect(seatChecks.at(-1)).toEqual({ officeId: remote.id, line: "talk_lines", left: 0 });
  });

  it("fails at once with office_not_found for an unknown office name", async () => {
    const { job } = await h.onboard({ email: "lost@example.com", office_name: "Atlantis" });
    const done = await h.waitForJob(job.job_id);
    expect(done.error?.code).toBe("office_not_found");
    expect(done.steps.find((s) => s.name === "resolve_office")?.status).toBe("failed");
  });

  it("reactivates a suspended user only with rehire: true, never creating a second one", async () => {
    const existing = h.sandbox.byHand.createUser({ email: "rehire@example.com" });
    h.sandbox.byHand.suspendUser(existing.id);
    const refused = await h.waitForJob((await h.onboard({ email: "rehire@example.com" })).job.job_id);
    expect(refused.error?.code).toBe("rehire_required");
    expect(h.sandbox.state.user(existing.id)?.state).toBe("suspended");

    const { job } = await h.onboard({ email: "rehire@example.com", rehire: true });
    const done = await h.waitForJob(job.job_id);
    expect(done.status).toBe("succeeded");
    expect(done.user_id).toBe(existing.id);
    expect(h.sandbox.state.user(existing.id)?.state).toBe("active");
    const users = h.sandbox.state
      .users({ state: "all" } as never)
      .filter((u) => u.emails.includes("rehire@example.com"));
    expect(users).toHaveLength(1);
  });

  it("offboarding an unknown email fails with user_not_found", async () => {
    const { job } = await h.offboard({ email: "nobody@example.com" });
    const done = await h.waitForJob(job.job_id);
    expect(done.error?.code).toBe("user_not_found");
  });
});
