/** The SCIM error body and the media types the wire accepts. */
import { describe, expect, it } from "vitest";
import { isScimRequestType, SCIM_CONTENT_TYPE } from "../../../shared/scim/media-type";
import { SCIM_ERROR_SCHEMA, ScimError, scimErrorBody } from "../../../shared/scim/scim-error";

describe("scimErrorBody", () => {
  it("has the error schema and status as a string", () => {
    expect(scimErrorBody(409, "userName is taken.", "uniqueness")).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: "409",
      scimType: "uniqueness",
      detail: "userName is taken.",
    });
    expect(scimErrorBody(404, "No such user.")).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
      detail: "No such user.",
    });
  });

  it("ScimError carries status, scimType and detail", () => {
    const error = new ScimError(400, "invalidPath", "bad path");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      status: 400,
      scimType: "invalidPath",
      detail: "bad path",
      message: "bad path",
    });
  });
});

describe("media types", () => {
  it.each([
    ["application/scim+json", true],
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["Application/SCIM+JSON;charset=UTF-8", true],
    [undefined, true],
    ["text/plain", false],
    ["application/x-www-form-urlencoded", false],
  ])("%s accepted: %s", (type, accepted) => {
    expect(isScimRequestType(type)).toBe(accepted);
  });

  it("answers application/scim+json", () => {
    expect(SCIM_CONTENT_TYPE).toBe("application/scim+json");
  });
});
