/**
 * Movers, number handoffs and imports through the queue, the worker and the Dialpad sandbox, with
 * the sandbox's `GET /users` default filter set to active-only (the strict reading of Dialpad's
 * undocumented default), so every look-up must say which states it means.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDrift } from "../../shared/reconcile/find-drift";
import { runSweep } from "../../shared/retention/run-sweep";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

describe("update, handoff, import (sandbox default filter: active users only)", () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await startLifecycleHarness({
      sandbox: { usersDefaultState: "active" },
      settings: { retentionDays: 0 },
    });
  });
  afterAll(() => h.stop());

  const id = (found: { id: string } | undefined, what: string) => {
    if (!found) throw new Error(`sandbox seed lacks ${what}`);
    return found.id;
  };

  async function onboarded(email: string, extra: Parameters<LifecycleHarness["onboard"]>[0] = { email }) {
    const { job } = await h.onboard({ area_code: "415", ...extra, email });
    const done = await h.waitForJob(job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email);
    if (!user) throw new Error(`${email} was not created`);
    return user;
  }

  it("a move to London with a new call-center set and first name; the numbers lost between countries are said", async () => {
    const london = id(h.sandbox.state.office("London"), "London");
    const support = id(h.sandbox.state.callCenter("Support"), "Support");
    const sales = id(h.sandbox.state.callCenter("Sales"), "Sales");
    const londonSupport = id(h.sandbox.state.callCenter("London Support"), "London Support");
    const user = await onboarded("mover@example.com", {
      email: "mover@example.com",
      call_center_ids: [support, sales],
    });
    const seatsBefore = h.sandbox.state.availableSeats(london).talk_lines;

    const { job } = await h.update({
      email: "mover@example.com",
      office_name: "London",
      call_center_ids: [londonSupport],
      first_name: "Adeline",
      ticket: { system: "jira", id: "MOVE-1" },
    });
    const done = await h.waitForJob(job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    const moved = h.sandbox.state.user(user.id);
    expect(moved).toMatchObject({ officeId: london, firstName: "Adeline" });
    expect(h.sandbox.state.availableSeats(london).talk_lines).toBe(seatsBefore - 1);
    for (const [cc, member] of [
      [support, false],
      [sales, false],
      [londonSupport, true],
    ] as const)
      expect(
        h.sandbox.state
          .callCenter(cc)
          ?.operators.map((o) => o.userId)
          .includes(user.id),
      ).toBe(member);
    expect(done.steps.find((s) => s.name === "move_office")?.detail).toMatch(/took the user's numbers/);
    const record = await h.service.people.getWithHistory("mover@example.com");
    expect(record?.person.office_id).toBe(london);
    expect(record?.history.at(-1)).toMatchObject({
      action: "updated",
      client: "test-client",
      ticket: { id: "MOVE-1" },
    });
  });

  it("a move to an office without seats fails no_seats with the user where it was", async () => {
    const user = await onboarded("stays@example.com");
    const remote = id(h.sandbox.state.office("Remote"), "Remote");
    h.sandbox.seed.seats(remote, { talk_lines: 0 });
    const { job } = await h.update({ email: "stays@example.com", office_id: remote, first_name: "Not" });
    const done = await h.waitForJob(job.job_id);
    expect(done.error?.code).toBe("no_seats");
    expect(h.sandbox.state.user(user.id)).toMatchObject({
      officeId: user.officeId,
      firstName: user.firstName,
    });
    expect(h.sandbox.state.user(user.id)?.phoneNumbers).toEqual(user.phoneNumbers);
  });

  it("changing admin rights (revoking too) without the admin scope fails privileged_user, nothing changed", async () => {
    const user = await onboarded("plain@example.com");
    const { job } = await h.update({ email: "plain@example.com", admin_type: "none", first_name: "Changed" });
    const done = await h.waitForJob(job.job_id);
    expect(done.error?.code).toBe("privileged_user");
    expect(h.sandbox.state.user(user.id)?.firstName).toBe(user.firstName);
  });

  it("an email change keeps the record and its history; the old email has no record any more", async () => {
    const user = await onboarded("before@example.com");
    const { job } = await h.update({ email: "before@example.com", new_email: "after@example.com" });
    const done = await h.waitForJob(job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(h.sandbox.state.user(user.id)?.emails).toEqual(["after@example.com"]);
    expect(await h.service.people.get("before@example.com")).toBeUndefined();
    const record = await h.service.people.getWithHistory("after@example.com");
    expect(record?.person).toMatchObject({ user_id: user.id, state: "active" });
    expect(record?.history.map((e) => e.action)).toEqual(["onboarded", "updated", "email_changed"]);
    // The person can be offboarded under the new email.
    const off = await h.offboard({ email: "after@example.com", retention_days: 30 });
    expect((await h.waitForJob(off.job.job_id)).status).toBe("succeeded");
  });

  it("offboards hand numbers to the manager, to a department, and release one; the deletion leaves them with their holders", async () => {
    await onboarded("manager@example.com");
    const reception = id(h.sandbox.state.department("Reception"), "Reception");
    const cases = [
      { email: "to.manager@example.com", handoff: { to: "user", email: "manager@example.com" } as const },
      { email: "to.desk@example.com", handoff: { to: "department", id: reception } as const },
      { email: "to.pool@example.com", handoff: { to: "release" } as const },
    ];
    const manager = h.sandbox.state.userByEmail("manager@example.com");
    const handedOff = new Map<string, string>();
    for (const { email, handoff } of cases) {
      const leaver = await onboarded(email);
      const number = leaver.phoneNumbers[0] ?? "";
      handedOff.set(handoff.to, number);
      const { job } = await h.offboard({ email, retention_days: 0, number_handoff: handoff });
      const done = await h.waitForJob(job.job_id);
      expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
      expect(h.sandbox.state.user(leaver.id)?.phoneNumbers).toEqual([]);
      const held = h.sandbox.state.number(number);
      if (handoff.to === "user") expect(held).toMatchObject({ status: "user", targetId: manager?.id });
      if (handoff.to === "department")
        expect(held).toMatchObject({ status: "department", targetId: reception });
      if (handoff.to === "release") expect(held).toMatchObject({ status: "available" }); // the reserved pool
      const history = (await h.service.people.getWithHistory(email))?.history ?? [];
      expect(history.find((e) => e.action === "numbers_handed_off")?.detail).toContain(`${number} → `);
    }
    // Retention 0: one sweep deletes the three leavers; handed-off numbers stay with their holders.
    expect((await runSweep({ ...h.service, requireApproval: false })).created).toBe(3);
    for (const { email } of cases) {
      const deadline = Date.now() + 20_000;
      while ((await h.service.people.get(email))?.state !== "deleted" && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await h.service.people.get(email))?.state).toBe("deleted");
    }
    expect(h.sandbox.state.number(handedOff.get("user") ?? "")).toMatchObject({
      status: "user",
      targetId: manager?.id,
    });
    expect(h.sandbox.state.userByEmail("manager@example.com")?.phoneNumbers).toContain(handedOff.get("user"));
    expect(h.sandbox.state.number(handedOff.get("department") ?? "")).toMatchObject({
      status: "department",
      targetId: reception,
    });
  });

  it("an unknown, suspended or self handoff target fails handoff_target_not_found with the user still active and holding its number", async () => {
    const leaver = await onboarded("no.target@example.com");
    const away = h.sandbox.byHand.createUser({ email: "away.target@example.com" });
    h.sandbox.byHand.suspendUser(away.id);
    for (const handoff of [
      { to: "user", email: "nobody@example.com" } as const,
      { to: "user", email: "away.target@example.com" } as const,
      { to: "user", email: "no.target@example.com" } as const,
      { to: "department", id: "999999" } as const,
    ]) {
      const { job } = await h.offboard({ email: "no.target@example.com", number_handoff: handoff });
      const done = await h.waitForJob(job.job_id);
      expect(done.error?.code).toBe("handoff_target_not_found");
      expect(h.sandbox.state.user(leaver.id)).toMatchObject({
        state: "active",
        phoneNumbers: leaver.phoneNumbers,
      });
    }
    h.sandbox.byHand.deleteUser(away.id); // not one of the pre-existing users the import test counts
  });

  it("rehire: true reactivates the same suspended user, and an already suspended person is offboarded", async () => {
    const existing = h.sandbox.byHand.createUser({ email: "rehire.strict@example.com" });
    h.sandbox.byHand.suspendUser(existing.id);
    const { job } = await h.onboard({ email: "rehire.strict@example.com", rehire: true });
    const done = await h.waitForJob(job.job_id);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(done.user_id).toBe(existing.id);
    expect(
      h.sandbox.state
        .users({ state: "all" } as never)
        .filter((u) => u.emails.includes("rehire.strict@example.com")),
    ).toHaveLength(1);

    const suspended = h.sandbox.byHand.createUser({ email: "gone.quiet@example.com" });
    h.sandbox.byHand.suspendUser(suspended.id);
    const off = await h.offboard({ email: "gone.quiet@example.com", retention_days: 30 });
    const offDone = await h.waitForJob(off.job.job_id);
    expect(offDone.status, JSON.stringify(offDone.steps)).toBe("succeeded");
    expect((await h.service.people.get("gone.quiet@example.com"))?.state).toBe("suspended");
  });

  it("import records every pre-existing user once; a second import records none; drift then reports none of them", async () => {
    const seeded = h.sandbox.seed.users(300);
    const first = await h.importUsers("import-1");
    const done = await h.waitForJob(first.job.job_id, undefined, 60_000);
    expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
    expect(done.steps[0]?.detail).toMatch(/ 300 imported/);
    for (const userId of [seeded[0], seeded[150], seeded[299]]) {
      const person = await h.service.people.findByUserId(userId ?? "");
      expect(person?.state).toBe("active");
      expect((await h.service.people.getWithHistory(person?.email ?? ""))?.history[0]?.action).toBe(
        "imported",
      );
    }
    const second = await h.waitForJob((await h.importUsers("import-2")).job.job_id, undefined, 60_000);
    expect(second.steps[0]?.detail).toMatch(/ 0 imported/);
    const drift = await findDrift(h.service.dialpad.bulk, h.service.people);
    const seededIds = new Set(seeded);
    expect(drift.unknown_in_dialpad.filter((entry) => seededIds.has(entry.user_id))).toEqual([]);
    expect(drift.counts.unknown_in_dialpad).toBe(0);
  });
});
