/**
 * The filters IdPs send (Okta's lookup before a POST, Entra's "Test connection" and group lookups),
 * parsed into conditions the stores answer by index; every other filter is a 400 invalidFilter.
 */
import { describe, expect, it } from "vitest";
import { conditionMatches, parseGroupFilter, parseUserFilter } from "../../../shared/scim/filter";
import { ScimError } from "../../../shared/scim/scim-error";

describe("parseUserFilter", () => {
  it.each([
    [
      'userName eq "Ada@Example.com"',
      [{ attribute: "userName", value: "Ada@Example.com", caseExact: false }],
    ],
    [
      'USERNAME EQ "ada@example.com"',
      [{ attribute: "userName", value: "ada@example.com", caseExact: false }],
    ],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@example.com"',
      [{ attribute: "userName", value: "ada@example.com", caseExact: false }],
    ],
    ['externalId eq "00u1"', [{ attribute: "externalId", value: "00u1", caseExact: true }]],
    [
      'id eq "5f3b8b1c-1f4e-4b7a-9a8e-6c2d1e0f9a7b"',
      [{ attribute: "id", value: "5f3b8b1c-1f4e-4b7a-9a8e-6c2d1e0f9a7b", caseExact: true }],
    ],
    [
      'emails.value eq "ada@example.com"',
      [{ attribute: "emails.value", value: "ada@example.com", caseExact: false }],
    ],
    [
      'emails[type eq "work"].value eq "ada@example.com"',
      [{ attribute: "emails.value", value: "ada@example.com", caseExact: false }],
    ],
    [
      'userName eq "ada@example.com" and externalId eq "00u1"',
      [
        { attribute: "userName", value: "ada@example.com", caseExact: false },
        { attribute: "externalId", value: "00u1", caseExact: true },
      ],
    ],
  ])("%s", (filter, conditions) => {
    expect(parseUserFilter(filter)).toEqual(conditions);
  });

  it.each([
    'userName sw "ada"',
    'userName eq "a@x.com" or userName eq "b@x.com"',
    'not (userName eq "a@x.com")',
    "userName pr",
    'active eq "true"',
    'displayName eq "Ada"',
    'emails[type eq "home"].value eq "a@x.com"',
    "userName eq",
    "",
    "   ",
    "userName eq 'single quotes'",
    'meta.lastModified gt "2020-01-01T00:00:00Z"',
  ])("refuses %j with 400 invalidFilter", (filter) => {
    const error = catchError(() => parseUserFilter(filter));
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
  });
});

describe("parseGroupFilter", () => {
  it("displayName (case-insensitive), externalId and id", () => {
    expect(parseGroupFilter('displayName eq "Sales"')).toEqual([
      { attribute: "displayName", value: "Sales", caseExact: false },
    ]);
    expect(parseGroupFilter('externalId eq "g1" and id eq "x"')).toEqual([
      { attribute: "externalId", value: "g1", caseExact: true },
      { attribute: "id", value: "x", caseExact: true },
    ]);
  });

  it("refuses user attributes", () => {
    expect(catchError(() => parseGroupFilter('userName eq "a"'))).toMatchObject({
      scimType: "invalidFilter",
    });
  });
});

describe("conditionMatches", () => {
  it("compares case-insensitively unless the attribute is case-exact", () => {
    const [userName] = parseUserFilter('userName eq "ADA@example.com"');
    const [externalId] = parseUserFilter('externalId eq "AbC"');
    if (!userName || !externalId) throw new Error("parsed nothing");
    expect(conditionMatches(userName, "ada@EXAMPLE.com")).toBe(true);
    expect(conditionMatches(externalId, "abc")).toBe(false);
    expect(conditionMatches(externalId, "AbC")).toBe(true);
    expect(conditionMatches(userName, undefined)).toBe(false);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}
