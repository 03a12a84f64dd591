/** Group PATCH and bodies as the IdPs send them (Okta, Entra ID, JumpCloud). */
import { describe, expect, it } from "vitest";
import { applyGroupPatch, groupChangesOfBody, groupResource } from "../../../shared/scim/group-resource";
import type { ScimGroup } from "../../../shared/scim/scim-group-store";

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const group: ScimGroup = {
  id: "g1",
  display_name: "Paris",
  external_id: "okta-1",
  members: ["u1", "u2", "u3"],
  version: 3,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-02T00:00:00.000Z",
};
const patch = (...Operations: unknown[]) => applyGroupPatch(group, { schemas: [PATCH], Operations });

describe("group PATCH", () => {
  it("takes Okta's rename before a membership change, ignoring the id it carries", () => {
    expect(patch({ op: "replace", value: { id: "g1", displayName: "Lyon" } })).toEqual({
      display_name: "Lyon",
      members: ["u1", "u2", "u3"],
    });
  });

  it("takes Okta's add and its remove by a value filter", () => {
    expect(patch({ op: "add", path: "members", value: [{ value: "u4", display: "x" }] }).members).toEqual([
      "u1",
      "u2",
      "u3",
      "u4",
    ]);
    expect(patch({ op: "remove", path: 'members[value eq "u2"]' }).members).toEqual(["u1", "u3"]);
  });

  it("removes only the listed members on Entra's Remove with a value list (capitalised op)", () => {
    expect(patch({ op: "Remove", path: "members", value: [{ value: "u1" }] }).members).toEqual(["u2", "u3"]);
  });

  it("removes every listed member of a JumpCloud value list, and adds none twice", () => {
    expect(
      patch({ op: "remove", path: "members", value: [{ value: "u1" }, { value: "u3" }] }).members,
    ).toEqual(["u2"]);
    expect(patch({ op: "Add", path: "members", value: [{ value: "u1" }, { value: "u9" }] }).members).toEqual([
      "u1",
      "u2",
      "u3",
      "u9",
    ]);
  });

  it("empties the group on a remove of members without a value, and replaces the list", () => {
    expect(patch({ op: "remove", path: "members" }).members).toEqual([]);
    expect(patch({ op: "replace", path: "members", value: [{ value: "u7" }] }).members).toEqual(["u7"]);
  });

  it("clears externalId on remove and takes schema-qualified keys", () => {
    expect(patch({ op: "remove", path: "externalId" })).toEqual({
      external_id: null,
      members: group.members,
    });
    expect(
      patch({ op: "replace", value: { "urn:ietf:params:scim:schemas:core:2.0:Group:displayName": "Nice" } }),
    ).toMatchObject({ display_name: "Nice" });
  });

  it.each([
    [{ op: "move", path: "members" }, "invalidSyntax"],
    [{ op: "remove" }, "noTarget"],
    [{ op: "replace", path: "owner", value: "x" }, "invalidPath"],
    [{ op: "add", path: "members", value: [{ nope: 1 }] }, "invalidValue"],
    [{ op: "replace", path: "displayName", value: "" }, "invalidValue"],
  ])("refuses %j with 400 %s", (operation, scimType) => {
    expect(() => patch(operation)).toThrow(expect.objectContaining({ status: 400, scimType }));
  });

  it("refuses a body without Operations", () => {
    expect(() => applyGroupPatch(group, { schemas: [PATCH] })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

describe("group bodies and resources", () => {
  it("reads POST and PUT bodies: null clears, unknown keys ignored", () => {
    expect(
      groupChangesOfBody({
        schemas: [],
        displayName: "HQ",
        externalId: null,
        members: [],
        id: "x",
        extra: 1,
      }),
    ).toEqual({ display_name: "HQ", external_id: null, members: [] });
    expect(() => groupChangesOfBody([])).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("answers members with their references, or without them when excluded", () => {
    const resource = groupResource(group, "https://api.example/scim/v2");
    expect(resource.members?.[0]).toEqual({
      value: "u1",
      $ref: "https://api.example/scim/v2/Users/u1",
      type: "User",
    });
    expect(resource.meta.location).toBe("https://api.example/scim/v2/Groups/g1");
    expect("members" in groupResource(group, "", { members: false })).toBe(false);
  });
});
