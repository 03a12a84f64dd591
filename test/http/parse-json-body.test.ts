import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ApiError } from "../../shared/http/api-error";
import { isJsonContentType, parseJsonBody } from "../../shared/http/parse-json-body";
import { jsonEvent, proxyEvent } from "./proxy-event";

const anyObject = z.looseObject({});
const named = z.strictObject({ name: z.string() });

function caught(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("isJsonContentType", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;charset=UTF-8",
    'application/json; charset="utf-8"',
    "application/json;",
  ])("accepts %s", (value) => expect(isJsonContentType(value)).toBe(true));

  it.each([
    undefined,
    "",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/jsonx",
    "application/json; charset=latin1",
    "text/json",
  ])("refuses %s", (value) => expect(isJsonContentType(value)).toBe(false));
});

describe("parseJsonBody", () => {
  it("returns the schema's output", () => {
    expect(parseJsonBody(jsonEvent({ name: "x" }), named)).toEqual({ name: "x" });
  });

  it("finds the content type whatever the header's case", () => {
    expect(parseJsonBody(jsonEvent({ name: "x" }, { "content-type": "application/json" }), named)).toEqual({
      name: "x",
    });
    expect(parseJsonBody(jsonEvent({ name: "x" }, { "CONTENT-TYPE": "application/json" }), named)).toEqual({
      name: "x",
    });
  });

  it("accepts a body of exactly maxBytes and refuses one byte more", () => {
    const body = (length: number) => `{"a":"${"x".repeat(length - 8)}"}`;
    expect(body(100)).toHaveLength(100);
    expect(parseJsonBody(jsonEvent(body(100)), anyObject, { maxBytes: 100 })).toBeTruthy();
    expect(caught(() => parseJsonBody(jsonEvent(body(101)), anyObject, { maxBytes: 100 })).status).toBe(413);
  });

  it("counts bytes, not characters", () => {
    // 30 characters, 50 bytes: each é is two bytes in UTF-8.
    const body = `{"a":"${"é".repeat(20)}"}`;
    expect(body.length).toBeLessThanOrEqual(40);
    expect(caught(() => parseJsonBody(jsonEvent(body), anyObject, { maxBytes: 40 })).status).toBe(413);
  });

  it("decodes base64 bodies and measures the decoded bytes", () => {
    const text = JSON.stringify({ name: "base64" });
    const event = proxyEvent({ body: Buffer.from(text).toString("base64"), isBase64Encoded: true });
    expect(parseJsonBody(event, named)).toEqual({ name: "base64" });
    // The encoded form is longer than maxBytes, the decoded bytes are not.
    expect(event.body!.length).toBeGreaterThan(text.length);
    expect(parseJsonBody(event, named, { maxBytes: text.length })).toEqual({ name: "base64" });
    expect(caught(() => parseJsonBody(event, named, { maxBytes: text.length - 1 })).status).toBe(413);
  });

  it("refuses a huge base64 body without decoding it first", () => {
    const event = proxyEvent({ body: "A".repeat(2_000_000), isBase64Encoded: true });
    expect(caught(() => parseJsonBody(event, anyObject)).code).toBe("payload_too_large");
  });

  it("refuses bytes that are not UTF-8", () => {
    const event = proxyEvent({
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64"),
      isBase64Encoded: true,
    });
    expect(caught(() => parseJsonBody(event, anyObject)).code).toBe("invalid_json");
  });

  it("does not quote the body in the invalid_json message", () => {
    const error = caught(() => parseJsonBody(jsonEvent('{"token": "sk_secret_value'), anyObject));
    expect(error.code).toBe("invalid_json");
    expect(error.message).not.toContain("sk_secret_value");
  });

  it("checks the content type before the size", () => {
    const event = jsonEvent("x".repeat(100_000), { "content-type": "text/plain" });
    expect(caught(() => parseJsonBody(event, anyObject)).status).toBe(415);
  });
});
