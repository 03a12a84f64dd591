import { describe, expect, it } from "vitest";
import { toApiError } from "../../../shared/http/error-response";
import { validate } from "../../../shared/http/validation-details";
import { canonicalJson, requestKey } from "../../../shared/lifecycle/request-key";
import { onboardRequest } from "../../../shared/lifecycle/requests";

const body = validate(onboardRequest, {
  email: "jane@example.com",
  first_name: "Jane",
  last_name: "Doe",
  office_id: "1",
  ticket: { system: "servicenow", id: "RITM1" },
});
const { ticket: _ticket, ...bodyWithoutTicket } = body;
const base = { kind: "onboard" as const, client: "servicenow", headerKey: undefined };

describe("requestKey", () => {
  it("uses the Idempotency-Key header first, scoped to client and kind", () => {
    const key = requestKey({ ...base, headerKey: "abc-123", body });
    expect(key.source).toBe("header");
    expect(key.key).toBe("onboard#servicenow#key#abc-123");
    expect(requestKey({ ...base, client: "jira", headerKey: "abc-123", body }).key).not.toBe(key.key);
    expect(requestKey({ ...base, kind: "offboard", headerKey: "abc-123", body }).key).not.toBe(key.key);
  });

  it("falls back to the ticket, per client and kind", () => {
    const key = requestKey({ ...base, body });
    expect(key).toMatchObject({ source: "ticket", key: "onboard#servicenow#ticket#servicenow#RITM1" });
    expect(requestKey({ ...base, kind: "offboard", body }).key).toBe(
      "offboard#servicenow#ticket#servicenow#RITM1",
    );
  });

  it("keeps ticket parts apart so no value can forge another ticket's key", () => {
    const one = requestKey({ ...base, body: { ticket: { system: "a#b", id: "c" } } });
    const other = requestKey({ ...base, body: { ticket: { system: "a", id: "b#c" } } });
    expect(one.key).not.toBe(other.key);
  });

  it("falls back to a hash of the body without a ticket", () => {
    const key = requestKey({ ...base, body: bodyWithoutTicket });
    expect(key.source).toBe("body");
    expect(key.key).toBe(`onboard#servicenow#body#${key.bodyHash}`);
    expect(key.bodyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hashes the body the same way whatever the order of its keys", () => {
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
    reordered.ticket = { id: "RITM1", system: "servicenow" };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));
    expect(requestKey({ ...base, body: reordered }).bodyHash).toBe(requestKey({ ...base, body }).bodyHash);
  });

  it("hashes normalised bodies: the same request spelled differently is the same request", () => {
    const spelledDifferently = validate(onboardRequest, {
      email: " JANE@example.com",
      first_name: "Jane ",
      last_name: "Doe",
      office_id: 1,
      license: "talk",
      ticket: { system: "servicenow", id: "RITM1" },
    });
    expect(requestKey({ ...base, body: spelledDifferently }).bodyHash).toBe(
      requestKey({ ...base, body }).bodyHash,
    );
  });

  it("gives another body hash to another body under the same key (the 409 case)", () => {
    const first = requestKey({ ...base, headerKey: "k", body });
    const second = requestKey({ ...base, headerKey: "k", body: { ...body, last_name: "Smith" } });
    expect(second.key).toBe(first.key);
    expect(second.bodyHash).not.toBe(first.bodyHash);
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["a control character", "abc\n"],
    ["non-ASCII", "clé"],
  ])("refuses an Idempotency-Key that is %s with 400", (_label, headerKey) => {
    let error: unknown;
    try {
      requestKey({ ...base, headerKey, body });
    } catch (caught) {
      error = caught;
    }
    expect(toApiError(error)).toMatchObject({ status: 400, code: "invalid_idempotency_key" });
  });

  it("accepts an Idempotency-Key of 255 printable characters", () => {
    expect(requestKey({ ...base, headerKey: "k".repeat(255), body }).source).toBe("header");
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("drops undefined fields like JSON does", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
