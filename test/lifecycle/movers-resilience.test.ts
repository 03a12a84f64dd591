/**
 * A worker crash right after each new Dialpad step of movers and handoffs (office move, number
 * assignment, call-center join and leave, profile and email change, number handoff and release):
 * the redelivered job resumes and still ends right, with nothing applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashingAfter } from "../support/crash-after";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

describe("movers and handoffs survive a crash after each Dialpad step", () => {
  let h: LifecycleHarness;
  const armed: { method?: string; crashed: string[] } = { crashed: [] };
  beforeAll(async () => {
    h = await startLifecycleHarness({
      wrapLifecycle: (deps) => ({
        ...deps,
        dialpad: {
          urgent: crashingAfter(deps.dialpad.urgent, armed),
          bulk: crashingAfter(deps.dialpad.bulk, armed),
        },
      }),
    });
  });
  afterAll(() => h.stop());

  const idOf = (found: { id: string } | undefined) => {
    if (!found) throw new Error("missing from the sandbox seed");
    return found.id;
  };

  async function onboarded(email: string, callCenterIds: string[] = []) {
    const { job } = await h.onboard({ email, area_code: "415", call_center_ids: callCenterIds });
    expect((await h.waitForJob(job.job_id)).status).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email);
    if (!user) throw new Error(`${email} was not created`);
    return user;
  }

  const changes = (route: string) =>
    h.sandbox
      .stats()
      .recentRequests.filter((r) => r.route === route && r.status === 200 && r.method !== "GET").length;

  // Between countries Dialpad gives the user a number of the new country itself; within one
  // country (Remote) the area code is assigned by the job.
  it.each([
    ["moveOffice", "London", "207"],
    ["assignNumber", "Remote", "646"],
    ["addOperator", "London", "207"],
    ["removeOperator", "London", "207"],
    ["updateUser", "London", "207"],
  ] as const)(
    "a move (crash after %s) to %s with a new number, call-center set and name",
    async (method, officeName, areaCode) => {
      const target = idOf(h.sandbox.state.office(officeName));
      const support = idOf(h.sandbox.state.callCenter("Support"));
      const londonSupport = idOf(h.sandbox.state.callCenter("London Support"));
      const email = `move.${method.toLowerCase()}@example.com`;
      const user = await onboarded(email, [support]);
      const seatsBefore = h.sandbox.state.availableSeats(target).talk_lines;
      h.sandbox.resetStats();
      armed.method = method;

      const { job } = await h.update({
        email,
        office_id: target,
        area_code: areaCode,
        call_center_ids: [londonSupport],
        first_name: "Moved",
      });
      const done = await h.waitForJob(job.job_id);
      expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
      expect(armed.crashed).toContain(method);
      const after = h.sandbox.state.user(user.id);
      expect(after).toMatchObject({ officeId: target, firstName: "Moved" });
      const withAreaCode = new RegExp(`^\\+(1|44)${areaCode}`);
      expect(after?.phoneNumbers.filter((number) => withAreaCode.test(number))).toHaveLength(1);
      expect(after?.phoneNumbers).toHaveLength(officeName === "London" ? 1 : 2);
      expect(h.sandbox.state.availableSeats(target).talk_lines).toBe(seatsBefore - 1);
      expect(h.sandbox.state.callCenter(support)?.operators.map((o) => o.userId)).not.toContain(user.id);
      expect(h.sandbox.state.callCenter(londonSupport)?.operators.map((o) => o.userId)).toContain(user.id);
      expect(changes("POST /users/{id}/assign_number")).toBe(officeName === "London" ? 0 : 1);
      const history = (await h.service.people.getWithHistory(email))?.history ?? [];
      expect(history.filter((e) => e.action === "updated")).toHaveLength(1);
    },
  );

  it("an email change crashing after the Dialpad update re-keys the record once", async () => {
    const user = await onboarded("rename.before@example.com");
    armed.method = "updateUser";
    const { job } = await h.update({
      email: "rename.before@example.com",
      new_email: "rename.after@example.com",
    });
    expect((await h.waitForJob(job.job_id)).status).toBe("succeeded");
    expect(h.sandbox.state.user(user.id)?.emails).toEqual(["rename.after@example.com"]);
    expect(await h.service.people.get("rename.before@example.com")).toBeUndefined();
    const history = (await h.service.people.getWithHistory("rename.after@example.com"))?.history ?? [];
    expect(history.map((e) => e.action)).toEqual(["onboarded", "updated", "email_changed"]);
  });

  it.each([
    ["assignNumberToTarget", { to: "user", email: "boss.crash@example.com" }],
    ["unassignNumber", { to: "release" }],
  ] as const)(
    "an offboard handing numbers off, crashing after %s, hands each number once",
    async (method, handoff) => {
      const boss = handoff.to === "user" ? await onboarded(handoff.email) : undefined;
      const leaver = await onboarded(`leaver.${method.toLowerCase()}@example.com`);
      const number = leaver.phoneNumbers[0] ?? "";
      h.sandbox.resetStats();
      armed.method = method;
      const { job } = await h.offboard({
        email: leaver.emails[0] ?? "",
        retention_days: 30,
        number_handoff: handoff,
      });
      const done = await h.waitForJob(job.job_id);
      expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
      expect(armed.crashed).toContain(method);
      expect(h.sandbox.state.user(leaver.id)).toMatchObject({ state: "suspended", phoneNumbers: [] });
      if (boss) expect(h.sandbox.state.number(number)).toMatchObject({ status: "user", targetId: boss.id });
      else expect(h.sandbox.state.number(number)).toMatchObject({ status: "available" }); // the reserved pool
      const history = (await h.service.people.getWithHistory(leaver.emails[0] ?? ""))?.history ?? [];
      expect(history.filter((e) => e.action === "numbers_handed_off").map((e) => e.detail)).toEqual([
        expect.stringContaining(`${number} → `),
      ]);
    },
  );
});
