/**
 * PATCH on canonical resources: the IdPs' requests (after the dialect) give the resource they mean;
 * paths we cannot read are 400s with RFC 7644's scimTypes, and the resource passed in never changes.
 */
import { describe, expect, it } from "vitest";
import { normalisePatch } from "../../../shared/scim/dialect";
import { applyPatch } from "../../../shared/scim/patch";
import { payload } from "./idp-payloads";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const user = () => ({
  schemas: [USER, ENTERPRISE],
  id: "u-1",
  userName: "alan.turing@example.com",
  name: { givenName: "Alan", familyName: "Turing" },
  active: true,
  emails: [{ value: "alan.turing@example.com", type: "work", primary: true }],
  meta: { resourceType: "User" },
  [ENTERPRISE]: { department: "Maths", manager: { value: "m-0", $ref: "https://x/Users/m-0" } },
});

const group = (members: string[]) => ({
  schemas: [GROUP],
  id: "g-1",
  displayName: "London",
  members: members.map((value) => ({ value })),
});

const patchUser = (resource: Record<string, unknown>, body: unknown) =>
  applyPatch(resource, normalisePatch(body, "User"), "User");
const patchGroup = (resource: Record<string, unknown>, body: unknown) =>
  applyPatch(resource, normalisePatch(body, "Group"), "Group");

describe("users", () => {
  it("Okta deactivation and reactivation", () => {
    const off = patchUser(user(), payload("okta", "deactivate"));
    expect(off.active).toBe(false);
    expect(patchUser(off, payload("okta", "reactivate")).active).toBe(true);
  });

  it("Entra's deprovision: Replace on a work phone not present yet creates it, and active flips", () => {
    const next = patchUser(user(), payload("entra", "deprovisionWithWorkPhone"));
    expect(next.phoneNumbers).toEqual([{ type: "work", value: "+14155550100" }]);
    expect(next.active).toBe(false);
  });

  it("Replace on a work phone that exists changes only that one", () => {
    const resource = {
      ...user(),
      phoneNumbers: [
        { type: "mobile", value: "+1" },
        { type: "Work", value: "+2" },
      ],
    };
    const next = patchUser(resource, payload("entra", "deprovisionWithWorkPhone"));
    expect(next.phoneNumbers).toEqual([
      { type: "mobile", value: "+1" },
      { type: "Work", value: "+14155550100" },
    ]);
  });

  it("Entra multi-valued update: work email and family name", () => {
    const next = patchUser(user(), payload("entra", "updateMultiValued"));
    expect(next.emails).toEqual([{ value: "alan.turing@example.com", type: "work", primary: true }]);
    expect(next.name).toEqual({ givenName: "Alan", familyName: "Mathison-Turing" });
  });

  it("Entra path-less (aadOptscim062020): every key lands where it belongs", () => {
    const next = patchUser(user(), payload("entra", "pathlessOptscim062020", { managerId: "m-1" }));
    expect(next).toMatchObject({
      displayName: "Alan M. Turing",
      name: { givenName: "Alan Mathison", familyName: "Turing" },
      active: false,
      [ENTERPRISE]: { department: "Codebreaking", employeeNumber: "1912", manager: { value: "m-1" } },
    });
  });

  it("manager set, changed and removed (Entra)", () => {
    const start = { ...user(), [ENTERPRISE]: { department: "Maths" } };
    const set = patchUser(start, payload("entra", "setManager", { managerId: "m-1" }));
    expect(set[ENTERPRISE]).toEqual({ department: "Maths", manager: { value: "m-1" } });
    const changed = patchUser(set, payload("entra", "changeManager", { managerId: "m-2" }));
    expect(changed[ENTERPRISE]).toEqual({ department: "Maths", manager: { value: "m-2" } });
    const removed = patchUser(changed, payload("entra", "removeManager"));
    expect(removed[ENTERPRISE]).toEqual({ department: "Maths" });
    const old = patchUser(start, payload("entra", "setManagerOldStyle", { managerId: "m-3" }));
    expect(old[ENTERPRISE]).toEqual({ department: "Maths", manager: { value: "m-3" } });
  });

  it("OneLogin's manager {value, displayName}", () => {
    const next = patchUser(user(), payload("onelogin", "setManager", { managerId: "m-9" }));
    expect(next[ENTERPRISE]).toMatchObject({ manager: { value: "m-9" } });
  });

  it("Entra's null updates clear the attributes", () => {
    const next = patchUser({ ...user(), externalId: "x" }, payload("entra", "nullUpdates"));
    expect(next).not.toHaveProperty("externalId");
    expect(next[ENTERPRISE]).toEqual({ manager: { value: "m-0", $ref: "https://x/Users/m-0" } });
  });

  it("remove of a sub-attribute, of an attribute, and of an absent one", () => {
    const ops = {
      Operations: [
        { op: "remove", path: "name.givenName" },
        { op: "remove", path: "displayName" },
        { op: "remove", path: "nickName" },
      ],
    };
    const next = patchUser({ ...user(), displayName: "Alan" }, ops);
    expect(next.name).toEqual({ familyName: "Turing" });
    expect(next).not.toHaveProperty("displayName");
  });

  it("add to a multi-valued attribute appends without duplicating", () => {
    const next = patchUser(user(), {
      Operations: [
        {
          op: "add",
          path: "emails",
          value: [
            { value: "ALAN.TURING@example.com", type: "work" },
            { value: "alan@home.example", type: "home" },
          ],
        },
      ],
    });
    expect(next.emails).toEqual([
      { value: "alan.turing@example.com", type: "work", primary: true },
      { value: "alan@home.example", type: "home" },
    ]);
  });

  it("replace of a complex attribute merges its sub-attributes", () => {
    const next = patchUser(user(), {
      Operations: [{ op: "replace", path: "name", value: { givenName: "A." } }],
    });
    expect(next.name).toEqual({ givenName: "A.", familyName: "Turing" });
  });

  it("an unchanged id is accepted (Okta repeats it), a different one is 400 mutability", () => {
    expect(patchUser(user(), { Operations: [{ op: "replace", path: "id", value: "u-1" }] }).id).toBe("u-1");
    expect(() => patchUser(user(), { Operations: [{ op: "replace", path: "id", value: "u-2" }] })).toThrow(
      expect.objectContaining({ status: 400, scimType: "mutability" }),
    );
  });

  it("never changes the resource passed in", () => {
    const resource = user();
    const before = structuredClone(resource);
    patchUser(resource, payload("entra", "pathlessOptscim062020", { managerId: "m-1" }));
    expect(resource).toEqual(before);
  });

  it.each([
    [
      "a schema we do not serve",
      { op: "replace", path: "urn:example:unknown:User:x", value: "y" },
      "invalidPath",
    ],
    ["a path that does not parse", { op: "replace", path: "name..givenName", value: "y" }, "invalidPath"],
    [
      "a filter on a single-valued attribute",
      { op: "replace", path: 'userName[value eq "x"]', value: "y" },
      "invalidPath",
    ],
    [
      "a filter that does not parse",
      { op: "replace", path: "emails[type eq].value", value: "y" },
      "invalidPath",
    ],
    [
      "an or filter matching nothing",
      { op: "replace", path: 'emails[type eq "a" or type eq "b"].value', value: "y" },
      "noTarget",
    ],
    ["a list for a single value", { op: "replace", path: "displayName", value: ["a"] }, "invalidValue"],
    ["a string for a complex attribute", { op: "replace", path: "name", value: "Alan" }, "invalidValue"],
    ["meta", { op: "replace", path: "meta", value: {} }, "mutability"],
  ])("refuses %s with 400", (_, operation, scimType) => {
    expect(() => patchUser(user(), { Operations: [operation] })).toThrow(
      expect.objectContaining({ status: 400, scimType }),
    );
  });
});

describe("groups", () => {
  it("Okta: add and remove members[value eq …]", () => {
    const added = patchGroup(group(["u-1"]), payload("okta", "addMember", { userId: "u-2" }));
    expect(added.members).toEqual([{ value: "u-1" }, { value: "u-2", display: "ada.lovelace@example.com" }]);
    const removed = patchGroup(added, payload("okta", "removeMember", { userId: "u-1" }));
    expect(removed.members).toEqual([{ value: "u-2", display: "ada.lovelace@example.com" }]);
  });

  it("Okta: removing a member who is not there changes nothing", () => {
    expect(patchGroup(group(["u-1"]), payload("okta", "removeMember", { userId: "u-9" })).members).toEqual([
      { value: "u-1" },
    ]);
  });

  it("Okta: rename with the id repeated", () => {
    const next = patchGroup(
      { ...group([]), displayName: "Old" },
      payload("okta", "renameGroup", { groupId: "g-1" }),
    );
    expect(next).toMatchObject({ id: "g-1", displayName: "London" });
  });

  it("Entra: Remove members with a value list removes only those", () => {
    const next = patchGroup(
      group(["u-1", "u-2", "u-3"]),
      payload("entra", "removeMembers", { userId: "u-2" }),
    );
    expect(next.members).toEqual([{ value: "u-1" }, { value: "u-3" }]);
  });

  it("Entra: Add members does not duplicate", () => {
    const next = patchGroup(group(["u-1"]), payload("entra", "addMembers", { userId: "u-1" }));
    expect(next.members).toEqual([{ value: "u-1" }]);
  });

  it("JumpCloud: removal by value list", () => {
    const next = patchGroup(
      group(["u-1", "u-2", "u-3"]),
      payload("jumpcloud", "removeMembers", { userId: "u-1", otherUserId: "u-3" }),
    );
    expect(next.members).toEqual([{ value: "u-2" }]);
  });

  it("remove members without a value empties the group; replace members sets the list", () => {
    expect(
      patchGroup(group(["u-1"]), { Operations: [{ op: "remove", path: "members" }] }),
    ).not.toHaveProperty("members");
    expect(
      patchGroup(group(["u-1"]), {
        Operations: [{ op: "replace", path: "members", value: [{ value: "u-5" }] }],
      }).members,
    ).toEqual([{ value: "u-5" }]);
  });
});
