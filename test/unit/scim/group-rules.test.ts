/** The group rules on their own: a group's role from its name, and who a membership change affects. */
import { describe, expect, it } from "vitest";
import {
  callCentersOf,
  type GroupDirectory,
  planGroupChange,
  roleOf,
} from "../../../shared/scim/group-rules";

const directory: GroupDirectory = {
  offices: [
    { id: "o1", name: "HQ" },
    { id: "o2", name: "Paris" },
    { id: "o3", name: "Sales" },
  ],
  callCenters: [
    { id: "c1", name: "Support" },
    { id: "c2", name: "Sales" },
    { id: "c3", name: "Billing" },
    { id: "c4", name: "billing" },
  ],
};
const group = (display_name: string, members: string[]) => ({ display_name, members });

describe("a group's role", () => {
  it("is an office group when its name is an office's, in any case", () => {
    expect(roleOf("paris", directory)).toEqual({ kind: "office", office: { id: "o2", name: "Paris" } });
  });

  it("is a call-center group when its name is one call center's, in any case", () => {
    expect(roleOf("SUPPORT", directory)).toEqual({
      kind: "call_center",
      callCenter: { id: "c1", name: "Support" },
    });
  });

  it("is an office group when its name is both an office's and a call center's", () => {
    expect(roleOf("Sales", directory).kind).toBe("office");
  });

  it("has no effect when two call centers share the name", () => {
    expect(roleOf("Billing", directory)).toEqual({
      kind: "shared_call_center_name",
      callCenterIds: ["c3", "c4"],
    });
  });

  it("has none for any other name", () => {
    expect(roleOf("Engineering", directory)).toEqual({ kind: "none" });
  });
});

describe("a membership change", () => {
  it("places who joins an office group in its office, and nobody else", () => {
    const plan = planGroupChange(group("Paris", ["u1"]), group("Paris", ["u1", "u2"]), directory);
    expect(plan.officePlacements).toEqual([{ memberId: "u2", office: { id: "o2", name: "Paris" } }]);
    expect(plan.callCenterMembers).toEqual([]);
  });

  it("moves nobody when someone leaves an office group, or it is emptied", () => {
    expect(
      planGroupChange(group("Paris", ["u1", "u2"]), group("Paris", ["u2"]), directory).officePlacements,
    ).toEqual([]);
    expect(planGroupChange(group("Paris", ["u1", "u2"]), group("Paris", []), directory)).toEqual({
      officePlacements: [],
      callCenterMembers: [],
      sharedNameNotes: [],
    });
  });

  it("changes nobody when a group is renamed, even to an office's name", () => {
    expect(
      planGroupChange(group("Team", ["u1"]), group("Paris", ["u1"]), directory).officePlacements,
    ).toEqual([]);
  });

  it("changes nobody when an empty group is pushed, or a group deleted", () => {
    expect(planGroupChange(undefined, group("Paris", []), directory).officePlacements).toEqual([]);
    expect(planGroupChange(group("Paris", ["u1"]), undefined, directory).officePlacements).toEqual([]);
  });

  it("uses the name after a rename for the people who join with it (Okta renames first)", () => {
    const plan = planGroupChange(group("Team", ["u1"]), group("Paris", ["u1", "u2"]), directory);
    expect(plan.officePlacements.map((p) => p.memberId)).toEqual(["u2"]);
  });

  it("names who joins or leaves a call-center group", () => {
    const plan = planGroupChange(group("Support", ["u1", "u2"]), group("Support", ["u2", "u3"]), directory);
    expect(plan.callCenterMembers).toEqual(["u3", "u1"]);
    expect(plan.officePlacements).toEqual([]);
  });

  it("only notes who joins or leaves a group whose name two call centers share", () => {
    const plan = planGroupChange(group("Billing", []), group("Billing", ["u1"]), directory);
    expect(plan).toEqual({
      officePlacements: [],
      callCenterMembers: [],
      sharedNameNotes: [{ memberId: "u1", callCenterIds: ["c3", "c4"] }],
    });
  });

  it("has no effect in a group named like nothing in Dialpad", () => {
    expect(planGroupChange(group("Eng", []), group("Eng", ["u1"]), directory)).toEqual({
      officePlacements: [],
      callCenterMembers: [],
      sharedNameNotes: [],
    });
  });
});

describe("a person's call centers", () => {
  it("are those of their call-center groups, without office groups or shared names", () => {
    expect(
      callCentersOf(
        [group("Support", []), group("Paris", []), group("Billing", []), group("Eng", [])],
        directory,
      ),
    ).toEqual(["c1"]);
    expect(callCentersOf([], directory)).toEqual([]);
  });
});
