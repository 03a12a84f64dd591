/**
 * The invalid-body corpus of the API edge: each request goes through parseJsonBody with the real
 * onboard/offboard schema and the one error mapper, and must answer the status, the code and
 * (for validation errors) a detail at each bad field's path.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { toHttpResponse } from "../../../shared/http/error-response";
import { parseJsonBody } from "../../../shared/http/parse-json-body";
import { offboardRequest, onboardRequest } from "../../../shared/lifecycle/requests";
import { jsonEvent, proxyEvent } from "../../http/proxy-event";

const onboard = {
  email: "jane.doe@example.com",
  first_name: "Jane",
  last_name: "Doe",
  office_id: "4815162342",
};
const offboard = { email: "jane.doe@example.com" };

interface Case {
  name: string;
  kind: "onboard" | "offboard";
  event: APIGatewayProxyEvent;
  status: number;
  code: string;
  /** Every path that must appear in details; the details must name no other path. */
  paths?: string[];
}

const on = (name: string, body: unknown, paths: string[]): Case => ({
  name,
  kind: "onboard",
  event: jsonEvent(body),
  status: 400,
  code: "validation_failed",
  paths,
});
const off = (name: string, body: unknown, paths: string[]): Case => ({
  ...on(name, body, paths),
  kind: "offboard",
});

const corpus: Case[] = [
  on("missing email", { ...onboard, email: undefined }, ["email"]),
  on("missing first and last name", { ...onboard, first_name: undefined, last_name: undefined }, [
    "first_name",
    "last_name",
  ]),
  on("empty body object", {}, ["email", "first_name", "last_name", "office_id"]),
  on("email without a domain", { ...onboard, email: "jane.doe" }, ["email"]),
  on("email with spaces inside", { ...onboard, email: "jane doe@example.com" }, ["email"]),
  on("email as a number", { ...onboard, email: 42 }, ["email"]),
  on("blank first name", { ...onboard, first_name: "   " }, ["first_name"]),
  on("last name over 100 characters", { ...onboard, last_name: "x".repeat(101) }, ["last_name"]),
  on("first name as an array", { ...onboard, first_name: ["Jane"] }, ["first_name"]),
  on("unknown top-level field (typo)", { ...onboard, frist_name: "Jane" }, ["frist_name"]),
  on("two unknown fields", { ...onboard, foo: 1, bar: 2 }, ["foo", "bar"]),
  on("both office_id and office_name", { ...onboard, office_name: "Berlin" }, ["office_name"]),
  on("neither office_id nor office_name", { ...onboard, office_id: undefined }, ["office_id"]),
  on("office_id with letters", { ...onboard, office_id: "48a" }, ["office_id"]),
  // Sent as JSON text: JSON.parse has already rounded this number, so it must be refused, not stored.
  on(
    "office_id beyond the safe integers",
    JSON.stringify({ ...onboard, office_id: "N" }).replace('"N"', "9007199254740993"),
    ["office_id"],
  ),
  on("office_id as a fraction", { ...onboard, office_id: 12.5 }, ["office_id"]),
  on("unknown licence", { ...onboard, license: "premium" }, ["license"]),
  on("phone number not E.164", { ...onboard, phone_number: "415-555-0123" }, ["phone_number"]),
  on("phone number with a leading zero country code", { ...onboard, phone_number: "+0415555012" }, [
    "phone_number",
  ]),
  on("both phone_number and area_code", { ...onboard, phone_number: "+14155550123", area_code: "415" }, [
    "area_code",
  ]),
  on("area code of 4 digits", { ...onboard, area_code: "4155" }, ["area_code"]),
  on("extension with letters", { ...onboard, extension: "12a" }, ["extension"]),
  on("unknown time zone", { ...onboard, timezone: "Mars/Olympus_Mons" }, ["timezone"]),
  on("offset instead of a time zone", { ...onboard, timezone: "+02:00" }, ["timezone"]),
  on("language that is not a code", { ...onboard, language: "English" }, ["language"]),
  on("unknown admin type", { ...onboard, admin_type: "root" }, ["admin_type"]),
  on("call_center_ids not an array", { ...onboard, call_center_ids: "123" }, ["call_center_ids"]),
  on("call center id with letters", { ...onboard, call_center_ids: ["1", "x2"] }, ["call_center_ids[1]"]),
  on("duplicate call center ids", { ...onboard, call_center_ids: ["7", 8, 7] }, ["call_center_ids[2]"]),
  on(
    "more than 50 call centers",
    { ...onboard, call_center_ids: Array.from({ length: 51 }, (_, i) => String(i)) },
    ["call_center_ids"],
  ),
  on("ticket without an id", { ...onboard, ticket: { system: "servicenow" } }, ["ticket.id"]),
  on(
    "nested unknown ticket field",
    { ...onboard, ticket: { system: "jira", id: "IT-1", priority: "high" } },
    ["ticket.priority"],
  ),
  on(
    "ticket url that is not http(s)",
    { ...onboard, ticket: { system: "jira", id: "IT-1", url: "javascript:alert(1)" } },
    ["ticket.url"],
  ),
  on("ticket as a string", { ...onboard, ticket: "IT-1" }, ["ticket"]),
  on("array body", [onboard], [""]),
  on("null body", null, [""]),
  on("JSON string body", JSON.stringify("just a string"), [""]),
  on(
    "many problems at once are all reported",
    { email: "nope", first_name: "", last_name: "Doe", office_id: "1", office_name: "x", oops: true },
    ["email", "first_name", "office_name", "oops"],
  ),
  off("offboard with neither email nor user_id", { retention_days: 10 }, ["email"]),
  off("offboard retention above 3650 days", { ...offboard, retention_days: 3651 }, ["retention_days"]),
  off("offboard negative retention", { ...offboard, retention_days: -1 }, ["retention_days"]),
  off("offboard fractional retention", { ...offboard, retention_days: 1.5 }, ["retention_days"]),
  off("offboard retention as a string", { ...offboard, retention_days: "30" }, ["retention_days"]),
  off("offboard user_id with letters", { user_id: "u-1" }, ["user_id"]),
  off("offboard unknown field", { ...offboard, delete_now: true }, ["delete_now"]),
  off("offboard bad email", { email: "@example.com" }, ["email"]),
  {
    name: "huge body",
    kind: "onboard",
    event: jsonEvent({ ...onboard, last_name: "x".repeat(40_000) }),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "malformed JSON",
    kind: "onboard",
    event: jsonEvent('{"email": "a@b.co",'),
    status: 400,
    code: "invalid_json",
  },
  {
    name: "not JSON at all",
    kind: "onboard",
    event: jsonEvent("email=a@b.co"),
    status: 400,
    code: "invalid_json",
  },
  { name: "empty body", kind: "onboard", event: proxyEvent({ body: "" }), status: 400, code: "invalid_json" },
  {
    name: "no body at all",
    kind: "offboard",
    event: proxyEvent({ body: null }),
    status: 400,
    code: "invalid_json",
  },
  {
    name: "form content type",
    kind: "onboard",
    event: jsonEvent(onboard, { "Content-Type": "application/x-www-form-urlencoded" }),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "no content type",
    kind: "offboard",
    event: jsonEvent(offboard, {}),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "non-UTF-8 charset",
    kind: "onboard",
    event: jsonEvent(onboard, { "Content-Type": "application/json; charset=iso-8859-1" }),
    status: 415,
    code: "unsupported_media_type",
  },
];

function answer(testCase: Case) {
  const schema = testCase.kind === "onboard" ? onboardRequest : offboardRequest;
  try {
    parseJsonBody(testCase.event, schema);
  } catch (error) {
    const response = toHttpResponse(error);
    return { status: response.statusCode, body: JSON.parse(response.body) };
  }
  throw new Error("the request was accepted");
}

describe("invalid request bodies", () => {
  it("has a corpus of at least 30 cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    const { status, body } = answer(testCase);
    expect(status).toBe(testCase.status);
    expect(body.error.code).toBe(testCase.code);
    expect(typeof body.error.message).toBe("string");
    if (testCase.paths) {
      const paths: string[] = body.error.details.map((detail: { path: string }) => detail.path);
      expect(new Set(paths)).toEqual(new Set(testCase.paths));
      for (const detail of body.error.details) expect(detail.message).toEqual(expect.any(String));
    } else {
      expect(body.error).not.toHaveProperty("details");
    }
  });
});
