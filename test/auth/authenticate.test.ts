import { createHash, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authenticate, bearerToken } from "../../shared/auth/authenticate";
import { principalFromAuthorizerContext, toAuthorizerContext } from "../../shared/auth/authorizer-context";
import { ClientRegistryError, parseClientRegistry } from "../../shared/auth/client-registry";
import { hashToken } from "../../shared/auth/hash-token";
import { requireScope } from "../../shared/auth/require-scope";
import { NotAuthenticated } from "../../shared/errors/domain-errors";
import type { ApiError } from "../../shared/http/api-error";
import { toApiError } from "../../shared/http/error-response";
import { REGISTRY_DOCUMENT, TOKENS } from "./registry-fixture";

const registry = parseClientRegistry(REGISTRY_DOCUMENT);

/** The answer a client gets for what `run` throws (through the one error mapping). */
function apiErrorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return toApiError(error);
  }
  throw new Error("expected an error");
}

describe("hashToken", () => {
  it("is the lower-case hex SHA-256 of the token", () => {
    expect(hashToken("abc")).toBe(createHash("sha256").update("abc").digest("hex"));
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("authenticate", () => {
  it("names the client of a good token with its scopes", () => {
    expect(authenticate(registry, `Bearer ${TOKENS.servicenow}`)).toEqual({
      client: "servicenow",
      scopes: ["onboard", "read"],
    });
  });

  it("accepts any case of the scheme and digests registered in upper case", () => {
    expect(authenticate(registry, `bearer ${TOKENS.jira}`).client).toBe("jira");
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["an unknown token", "Bearer not-a-registered-token"],
    ["the Basic scheme", `Basic ${Buffer.from(`servicenow:${TOKENS.servicenow}`).toString("base64")}`],
    ["a bare token without a scheme", TOKENS.servicenow],
    ["a token with a space inside", `Bearer ${TOKENS.servicenow} extra`],
    ["the registered digest instead of the token", `Bearer ${hashToken(TOKENS.servicenow)}`],
    ["a huge header", `Bearer ${"a".repeat(10_000)}`],
  ])("refuses %s with 401", (_label, header) => {
    const error = apiErrorOf(() => authenticate(registry, header));
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("never puts the presented token in the error", () => {
    const error = apiErrorOf(() => authenticate(registry, "Bearer leaked-guess-123"));
    expect(error.message).not.toContain("leaked-guess-123");
  });

  it("compares in constant time against every registered client, even after a match", () => {
    const compared: string[] = [];
    const watchingComparator = (a: Buffer, b: Buffer) => {
      compared.push(b.toString("hex"));
      return timingSafeEqual(a, b);
    };
    // servicenow is the first client: an early exit would compare once.
    expect(authenticate(registry, `Bearer ${TOKENS.servicenow}`, watchingComparator).client).toBe(
      "servicenow",
    );
    expect(compared).toEqual(registry.clients.map((client) => client.digest.toString("hex")));

    compared.length = 0;
    expect(() => authenticate(registry, "Bearer unknown", watchingComparator)).toThrow(NotAuthenticated);
    expect(compared).toHaveLength(registry.clients.length);
  });

  it("compares 32-byte digests, never the raw token", () => {
    const lengths: number[] = [];
    authenticate(registry, `Bearer ${TOKENS.auditor}`, (a, b) => {
      lengths.push(a.length, b.length);
      return timingSafeEqual(a, b);
    });
    expect(new Set(lengths)).toEqual(new Set([32]));
  });

  it("refuses everyone when the registry is empty", () => {
    expect(apiErrorOf(() => authenticate({ clients: [] }, `Bearer ${TOKENS.jira}`)).status).toBe(401);
  });
});

describe("bearerToken", () => {
  it("extracts the token", () => {
    expect(bearerToken("Bearer abc.DEF-123_~+/==")).toBe("abc.DEF-123_~+/==");
  });
});

describe("requireScope", () => {
  const principal = { client: "servicenow", scopes: ["onboard" as const, "read" as const] };

  it("passes when the client has the scope", () => {
    expect(() => requireScope(principal, "onboard")).not.toThrow();
  });

  it("answers 403 naming the missing scope when it does not", () => {
    const error = apiErrorOf(() => requireScope(principal, "offboard"));
    expect(error).toMatchObject({ status: 403, code: "forbidden" });
    expect(error.message).toContain("offboard");
  });
});

describe("parseClientRegistry", () => {
  const entry = { name: "a", token_sha256: hashToken("a"), scopes: ["read"] };
  const parse = (document: unknown) => () => parseClientRegistry(JSON.stringify(document));

  it("keeps each client's digest as 32 bytes", () => {
    expect(registry.clients.map((client) => [client.name, client.digest.length])).toEqual([
      ["servicenow", 32],
      ["jira", 32],
      ["auditor", 32],
    ]);
  });

  it.each([
    ["a missing clients list", {}],
    ["an unknown scope", { clients: [{ ...entry, scopes: ["root"] }] }],
    ["no scope", { clients: [{ ...entry, scopes: [] }] }],
    ["a short digest", { clients: [{ ...entry, token_sha256: "abc" }] }],
    ["a plain token instead of a digest", { clients: [{ ...entry, token_sha256: undefined, token: "x" }] }],
    ["duplicate names", { clients: [entry, { ...entry, token_sha256: hashToken("b") }] }],
    ["two clients with one token", { clients: [entry, { ...entry, name: "b" }] }],
    ["a name with spaces", { clients: [{ ...entry, name: "service now" }] }],
  ])("refuses a document with %s", (_label, document) => {
    expect(parse(document)).toThrow(ClientRegistryError);
  });

  it("refuses text that is not JSON without quoting it", () => {
    const text = `{"clients": [{"name": "a", "token_sha256": "${hashToken("a")}"`;
    expect(() => parseClientRegistry(text)).toThrow(ClientRegistryError);
    try {
      parseClientRegistry(text);
    } catch (error) {
      expect((error as Error).message).not.toContain(hashToken("a"));
    }
  });
});

describe("authorizer context", () => {
  it("round-trips a principal through API Gateway's flat context", () => {
    const principal = { client: "jira", scopes: ["onboard" as const, "read" as const] };
    const context = toAuthorizerContext(principal);
    expect(context).toEqual({ client: "jira", scopes: "onboard,read" });
    expect(
      principalFromAuthorizerContext({ ...context, principalId: "jira", integrationLatency: 3 }),
    ).toEqual(principal);
  });

  it.each([
    ["no context", undefined],
    ["no client", { scopes: "read" }],
    ["an unknown scope", { client: "x", scopes: "read,root" }],
  ])("answers 401 for %s", (_label, context) => {
    expect(apiErrorOf(() => principalFromAuthorizerContext(context)).status).toBe(401);
  });

  it("carries a registry entry's mass-offboard limit (0 included) and refuses a malformed one", () => {
    for (const limit of [0, 7]) {
      const principal = { client: "hr", scopes: ["offboard" as const], massOffboardLimit: limit };
      const context = toAuthorizerContext(principal);
      expect(context.mass_offboard_limit).toBe(String(limit));
      expect(principalFromAuthorizerContext(context)).toEqual(principal);
    }
    const bad = { client: "hr", scopes: "offboard", mass_offboard_limit: "many" };
    expect(apiErrorOf(() => principalFromAuthorizerContext(bad)).status).toBe(401);
    const text = JSON.stringify({
      clients: [{ name: "a", token_sha256: hashToken("a"), scopes: ["offboard"], mass_offboard_limit: -1 }],
    });
    expect(() => parseClientRegistry(text)).toThrow(/mass_offboard_limit/);
  });

  it("reads an empty scope list as no scopes", () => {
    expect(principalFromAuthorizerContext({ client: "x", scopes: "" })).toEqual({ client: "x", scopes: [] });
  });
});
