/**
 * The number handoff's edges over the fake Dialpad (the cases mutation testing showed untested):
 * "keep" changes nothing and reads nothing, an inactive target is refused before any change, a
 * Dialpad outage is not taken for a missing target, and a handed number joins the target's own.
 */
import { describe, expect, it } from "vitest";
import type { DialpadApi } from "../../../shared/dialpad/api";
import { handOffNumbers, resolveHandoff } from "../../../shared/lifecycle/number-handoff";
import { FakeDialpad } from "../support/fake-dialpad";

function world() {
  const dialpad = new FakeDialpad();
  const office = dialpad.addOffice("HQ");
  const department = dialpad.addDepartment("Support", office.id);
  const leaver = dialpad.addUser({ email: "leaver@example.com", office_id: office.id });
  leaver.phone_numbers = ["+14155550100", "+14155550101"];
  return { dialpad, office, department, leaver };
}

describe("resolveHandoff", () => {
  it("keeps the numbers when asked to keep, reading nothing", async () => {
    const { dialpad, leaver } = world();
    await expect(resolveHandoff(dialpad, { to: "keep" }, leaver.id)).resolves.toMatchObject({ to: "keep" });
    expect(dialpad.calls).toEqual([]);
  });

  it("refuses a target Dialpad reports as not active", async () => {
    const { dialpad, department, leaver } = world();
    const inactive = Object.assign(Object.create(dialpad) as DialpadApi, {
      getDepartment: async (id: string) => ({ id, name: "Support", office_id: "1", state: "deleted" }),
    });
    await expect(
      resolveHandoff(inactive, { to: "department", id: department.id }, leaver.id),
    ).rejects.toMatchObject({
      code: "handoff_target_not_found",
      message: expect.stringContaining("is deleted"),
    });
  });

  it("a user target not active in Dialpad fails, unless the handoff says otherwise keep", async () => {
    const { dialpad, office, leaver } = world();
    const boss = dialpad.addUser({ email: "boss@example.com", office_id: office.id });
    boss.state = "suspended";
    await expect(
      resolveHandoff(dialpad, { to: "user", email: "boss@example.com" }, leaver.id),
    ).rejects.toMatchObject({ code: "handoff_target_not_found" });
    await expect(
      resolveHandoff(dialpad, { to: "user", email: "boss@example.com", otherwise: "keep" }, leaver.id),
    ).resolves.toMatchObject({ to: "keep", label: expect.stringContaining("no active Dialpad user") });
    await expect(
      resolveHandoff(dialpad, { to: "user", email: "leaver@example.com", otherwise: "keep" }, leaver.id),
    ).resolves.toMatchObject({ to: "keep", label: expect.stringContaining("the leaver") });
    boss.state = "active";
    await expect(
      resolveHandoff(dialpad, { to: "user", email: "boss@example.com", otherwise: "keep" }, leaver.id),
    ).resolves.toMatchObject({ to: "user", target_id: boss.id });
  });

  it("lets a Dialpad outage through as it is, not as a missing target", async () => {
    const { dialpad, department, leaver } = world();
    dialpad.fail("getDepartment");
    await expect(
      resolveHandoff(dialpad, { to: "department", id: department.id }, leaver.id),
    ).rejects.toMatchObject({ kind: "transient" });
  });
});

describe("handOffNumbers", () => {
  it("with keep, reads and moves nothing", async () => {
    const { dialpad, leaver } = world();
    await expect(handOffNumbers(dialpad, leaver.id, { to: "keep", label: "kept" })).resolves.toEqual([]);
    expect(dialpad.calls).toEqual([]);
  });

  it("answers exactly the numbers it moved, each added beside the target's own numbers", async () => {
    const { dialpad, office, leaver } = world();
    const handoff = await resolveHandoff(dialpad, { to: "office", id: office.id }, leaver.id);
    await expect(handOffNumbers(dialpad, leaver.id, handoff)).resolves.toEqual([
      "+14155550100",
      "+14155550101",
    ]);
    const assigned = dialpad.calls.filter((call) => call.method === "assignNumberToTarget");
    expect(assigned.map((call) => (call.args[1] as { primary: boolean }).primary)).toEqual([false, false]);
  });
});
