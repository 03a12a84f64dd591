/**
 * List windows, projections and the ListResponse (RFC 7644 §3.4.2): integer paging fields, 1-based
 * startIndex, count clamped to 100, count=0 answering only the total.
 */
import { describe, expect, it } from "vitest";
import {
  listResponse,
  listWindow,
  parseListQuery,
  parseProjection,
  project,
  SCIM_LIST_SCHEMA,
} from "../../../shared/scim/list-query";

describe("listWindow", () => {
  it.each([
    [{}, { startIndex: 1, count: 100 }],
    [
      { startIndex: "1", count: "100" },
      { startIndex: 1, count: 100 },
    ],
    [
      { startIndex: "0", count: "5" },
      { startIndex: 1, count: 5 },
    ],
    [{ startIndex: "-3" }, { startIndex: 1, count: 100 }],
    [{ count: "500" }, { startIndex: 1, count: 100 }],
    [{ count: "-1" }, { startIndex: 1, count: 0 }],
    [{ count: "0" }, { startIndex: 1, count: 0 }],
    [
      { startIndex: "6", count: "5" },
      { startIndex: 6, count: 5 },
    ],
    [{ startIndex: "" }, { startIndex: 1, count: 100 }],
  ])("%j → %j", (query, window) => {
    expect(listWindow(query)).toEqual(window);
  });

  it.each([{ count: "ten" }, { startIndex: "1.5" }])("refuses %j with 400 invalidValue", (query) => {
    expect(() => listWindow(query)).toThrow(
      expect.objectContaining({ status: 400, scimType: "invalidValue" }),
    );
  });
});

const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id: "u1",
  userName: "ada@example.com",
  name: { givenName: "Ada", familyName: "Lovelace" },
  active: true,
  meta: { resourceType: "User" },
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    department: "R&D",
    manager: { value: "u2" },
  },
};

describe("project", () => {
  it("keeps only the asked attributes, and id, schemas and meta", () => {
    expect(project(user, parseProjection({ attributes: "userName,NAME.givenName" }))).toEqual({
      schemas: user.schemas,
      id: "u1",
      userName: "ada@example.com",
      name: user.name,
      meta: user.meta,
    });
  });

  it("drops excluded attributes, by plain or schema-qualified name", () => {
    const group = { schemas: [], id: "g1", displayName: "Sales", members: [{ value: "u1" }] };
    expect(project(group, parseProjection({ excludedAttributes: "members" }))).toEqual({
      schemas: [],
      id: "g1",
      displayName: "Sales",
    });
    expect(
      project(
        user,
        parseProjection({
          excludedAttributes:
            "urn:ietf:params:scim:schemas:core:2.0:User:active,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        }),
      ),
    ).toEqual({
      ...{ schemas: user.schemas, id: "u1", userName: user.userName, name: user.name, meta: user.meta },
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "R&D" },
    });
  });

  it("never drops id", () => {
    expect(project(user, parseProjection({ excludedAttributes: "id" })).id).toBe("u1");
  });

  it("refuses attributes and excludedAttributes together", () => {
    expect(() => parseProjection({ attributes: "a", excludedAttributes: "b" })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

describe("listResponse", () => {
  it("answers integer paging fields and the page", () => {
    const query = parseListQuery({ startIndex: "1", count: "100", filter: 'userName eq "x"' });
    expect(listResponse([user], 1, query)).toEqual({
      schemas: [SCIM_LIST_SCHEMA],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
      Resources: [user],
    });
  });

  it("answers an empty list with Resources []", () => {
    expect(listResponse([], 0, parseListQuery({}))).toMatchObject({
      totalResults: 0,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it("count=0 answers only totalResults", () => {
    const body = listResponse([user], 7, parseListQuery({ count: "0" }));
    expect(body).toEqual({ schemas: [SCIM_LIST_SCHEMA], totalResults: 7, startIndex: 1, itemsPerPage: 0 });
  });

  it("projects every resource", () => {
    const body = listResponse([user], 1, parseListQuery({ attributes: "userName" }));
    expect(body.Resources?.[0]).toEqual({
      schemas: user.schemas,
      id: "u1",
      userName: user.userName,
      meta: user.meta,
    });
  });
});
