/**
 * The IdPs' dialects made canonical SCIM 2.0, request by request (fixtures/<idp>.json): what scimmy
 * and RFC-only code refuse (Entra's "False", nulls, bare-string manager, SCIM 1.1 schemas) reads
 * as what the IdP meant.
 */
import { describe, expect, it } from "vitest";
import { normalisePatch, normaliseResource } from "../../../shared/scim/dialect";
import { payload } from "./idp-payloads";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("normaliseResource", () => {
  it("Google: SCIM 1.1 core schema and string booleans → 2.0", () => {
    expect(normaliseResource(payload("google", "createUser"), "User")).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "katherine.johnson@example.com",
      name: { givenName: "Katherine", familyName: "Johnson" },
      emails: [{ value: "katherine.johnson@example.com", type: "work", primary: true }],
      active: true,
    });
  });

  it("OneLogin: enterprise 1.0 object renamed, manager {value, displayName} → {value}", () => {
    const body = normaliseResource(payload("onelogin", "createUser", { managerId: "m-1" }), "User");
    expect(body.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]);
    expect(body[ENTERPRISE]).toEqual({ department: "Computing", manager: { value: "m-1" } });
    expect(body).not.toHaveProperty("urn:scim:schemas:extension:enterprise:1.0");
  });

  it("Entra: nulls kept as clears, manager null kept", () => {
    const body = normaliseResource(payload("entra", "createUser"), "User");
    expect(body).toMatchObject({ title: null, phoneNumbers: null, active: true });
    expect(body[ENTERPRISE]).toEqual({ department: null, employeeNumber: "1912", manager: null });
  });

  it.each([
    ["a bare id", "m-1", { value: "m-1" }],
    ["{value}", { value: "m-1" }, { value: "m-1" }],
    ["[{value}]", [{ value: "m-1" }], { value: "m-1" }],
    ["{value, displayName}", { value: "m-1", displayName: "Boss" }, { value: "m-1" }],
    ["an empty string", "", null],
    ["[]", [], null],
  ])("manager as %s", (_, manager, expected) => {
    const body = normaliseResource({ userName: "a@x.com", [ENTERPRISE]: { manager } }, "User");
    expect(body[ENTERPRISE]).toEqual({ manager: expected });
  });

  it("an unqualified manager goes into the enterprise extension", () => {
    expect(normaliseResource({ userName: "a@x.com", manager: "m-1" }, "User")).toEqual({
      userName: "a@x.com",
      [ENTERPRISE]: { manager: { value: "m-1" } },
    });
  });

  it("'True'/'False' on every boolean attribute, other strings untouched", () => {
    const body = normaliseResource(
      {
        userName: "a@x.com",
        displayName: "True",
        active: "FALSE",
        emails: [{ value: "a@x.com", primary: "True" }],
        phoneNumbers: [{ value: "+1", primary: "false" }],
      },
      "User",
    );
    expect(body).toEqual({
      userName: "a@x.com",
      displayName: "True",
      active: false,
      emails: [{ value: "a@x.com", primary: true }],
      phoneNumbers: [{ value: "+1", primary: false }],
    });
  });

  it("refuses a body that is not an object with 400 invalidSyntax", () => {
    for (const body of [null, [], "x", 3])
      expect(() => normaliseResource(body, "User")).toThrow(
        expect.objectContaining({ status: 400, scimType: "invalidSyntax" }),
      );
  });
});

describe("normalisePatch", () => {
  it("Okta: path-less {active:false} → replace active", () => {
    expect(normalisePatch(payload("okta", "deactivate"), "User")).toEqual([
      { op: "replace", path: "active", value: false },
    ]);
  });

  it("Okta: group rename drops the id it repeats", () => {
    expect(normalisePatch(payload("okta", "renameGroup", { groupId: "g-1" }), "Group")).toEqual([
      { op: "replace", path: "displayName", value: "London" },
    ]);
  });

  it("Entra: capitalised op, string boolean", () => {
    expect(normalisePatch(payload("entra", "disableUser"), "User")).toEqual([
      { op: "replace", path: "active", value: false },
    ]);
  });

  it("Entra (aadOptscim062020): dotted and schema-qualified keys become paths, bare manager {value}", () => {
    expect(normalisePatch(payload("entra", "pathlessOptscim062020", { managerId: "m-1" }), "User")).toEqual([
      { op: "replace", path: "displayName", value: "Alan M. Turing" },
      { op: "replace", path: 'emails[type eq "work"].value', value: "alan.turing@example.com" },
      { op: "replace", path: "name.givenName", value: "Alan Mathison" },
      { op: "replace", path: "name.familyName", value: "Turing" },
      { op: "replace", path: `${ENTERPRISE}:employeeNumber`, value: "1912" },
      { op: "replace", path: `${ENTERPRISE}:department`, value: "Codebreaking" },
      { op: "replace", path: `${ENTERPRISE}:manager`, value: { value: "m-1" } },
      { op: "replace", path: "active", value: false },
    ]);
  });

  it("Entra: manager at the old unqualified path, as [{$ref, value}]", () => {
    expect(normalisePatch(payload("entra", "setManagerOldStyle", { managerId: "m-1" }), "User")).toEqual([
      { op: "add", path: `${ENTERPRISE}:manager`, value: { value: "m-1" } },
    ]);
  });

  it("Entra: a Replace of null is a Remove", () => {
    expect(normalisePatch(payload("entra", "nullUpdates"), "User")).toEqual([
      { op: "remove", path: `${ENTERPRISE}:department` },
      { op: "remove", path: "externalId" },
    ]);
  });

  it("Entra: Remove members with a value list keeps the list", () => {
    expect(normalisePatch(payload("entra", "removeMembers", { userId: "u-1" }), "Group")).toEqual([
      { op: "remove", path: "members", value: [{ $ref: null, value: "u-1" }] },
    ]);
  });

  it("a path-less extension object becomes one operation per attribute", () => {
    expect(
      normalisePatch(
        { Operations: [{ op: "add", value: { [ENTERPRISE]: { department: "R&D", manager: "m-1" } } }] },
        "User",
      ),
    ).toEqual([
      { op: "add", path: `${ENTERPRISE}:department`, value: "R&D" },
      { op: "add", path: `${ENTERPRISE}:manager`, value: { value: "m-1" } },
    ]);
  });

  it.each([
    ["no Operations", {}, "invalidSyntax"],
    ["empty Operations", { Operations: [] }, "invalidSyntax"],
    ["an unknown op", { Operations: [{ op: "move", path: "active", value: true }] }, "invalidSyntax"],
    ["a remove without path", { Operations: [{ op: "remove" }] }, "noTarget"],
    ["a replace without value", { Operations: [{ op: "replace", path: "active" }] }, "invalidValue"],
    ["a path-less replace of a string", { Operations: [{ op: "replace", value: "x" }] }, "invalidValue"],
    ["a path that is not a string", { Operations: [{ op: "replace", path: 3, value: "x" }] }, "invalidPath"],
  ])("refuses %s with 400 %s", (_, body, scimType) => {
    expect(() => normalisePatch(body, "User")).toThrow(expect.objectContaining({ status: 400, scimType }));
  });
});
