import { describe, expect, it } from "vitest";
import { validate } from "../../../shared/http/validation-details";
import { offboardRequest, onboardRequest } from "../../../shared/lifecycle/requests";

const minimal = { email: "jane.doe@example.com", first_name: "Jane", last_name: "Doe", office_id: "4815" };

describe("onboard request", () => {
  it("applies the defaults", () => {
    expect(validate(onboardRequest, minimal)).toEqual({
      ...minimal,
      license: "talk",
      admin_type: "none",
      call_center_ids: [],
    });
  });

  it("normalises the email, the names and numeric ids", () => {
    const parsed = validate(onboardRequest, {
      ...minimal,
      email: "  Jane.Doe@Example.COM ",
      first_name: " Jane ",
      office_id: 4815,
      call_center_ids: [1, "2"],
    });
    expect(parsed.email).toBe("jane.doe@example.com");
    expect(parsed.first_name).toBe("Jane");
    expect(parsed.office_id).toBe("4815");
    expect(parsed.call_center_ids).toEqual(["1", "2"]);
  });

  it("accepts every optional field", () => {
    const body = {
      email: "jane.doe@example.com",
      first_name: "Jane",
      last_name: "Doe",
      office_name: "Berlin HQ",
      license: "agents",
      phone_number: "+4930123456789",
      extension: "1234",
      timezone: "Europe/Berlin",
      language: "de-DE",
      admin_type: "office",
      call_center_ids: ["11", "12"],
      ticket: { system: "servicenow", id: "RITM0012345", url: "https://acme.service-now.com/ritm/12345" },
    };
    expect(validate(onboardRequest, body)).toEqual(body);
  });

  it("accepts an area code instead of a number", () => {
    expect(validate(onboardRequest, { ...minimal, area_code: "415" }).area_code).toBe("415");
  });

  it.each([
    ["america/new_york", "America/New_York"],
    ["UTC", "UTC"],
    ["Asia/Kolkata", "Asia/Kolkata"],
    ["Etc/GMT+5", "Etc/GMT+5"],
  ])("accepts the time zone %s as %s", (given, stored) => {
    expect(validate(onboardRequest, { ...minimal, timezone: given }).timezone).toBe(stored);
  });

  it("keeps a numeric ticket id as a string", () => {
    expect(validate(onboardRequest, { ...minimal, ticket: { system: "zendesk", id: 4242 } }).ticket).toEqual({
      system: "zendesk",
      id: "4242",
    });
  });
});

describe("offboard request", () => {
  it("accepts an email alone, leaving retention to configuration", () => {
    expect(validate(offboardRequest, { email: "Jane.Doe@example.com" })).toEqual({
      email: "jane.doe@example.com",
    });
  });

  it("accepts a user id alone, as a number or a string", () => {
    expect(validate(offboardRequest, { user_id: 5066622380408832 })).toEqual({ user_id: "5066622380408832" });
    expect(validate(offboardRequest, { user_id: "5066622380408832" })).toEqual({
      user_id: "5066622380408832",
    });
  });

  it.each([0, 30, 3650])("accepts retention_days %i", (days) => {
    expect(validate(offboardRequest, { email: "a@b.co", retention_days: days }).retention_days).toBe(days);
  });

  it("accepts both identifiers and a ticket", () => {
    const body = { email: "a@b.co", user_id: "12", ticket: { system: "jira", id: "IT-9" } };
    expect(validate(offboardRequest, body)).toEqual(body);
  });
});
