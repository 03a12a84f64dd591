import type { APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent, Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AuthorizerDeps, authorize, stageWildcardArn } from "../../functions/authorizer/handler";
import { principalFromAuthorizerContext } from "../../shared/auth/authorizer-context";
import { ClientRegistrySource } from "../../shared/auth/client-registry-source";
import { hashToken } from "../../shared/auth/hash-token";
import type { SecretSource } from "../../shared/secrets/secret-source";
import { StaticSecretSource } from "../../shared/secrets/static-secret-source";
import { REGISTRY_DOCUMENT, TOKENS } from "./registry-fixture";

const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/POST/v1/onboard";
const STAGE_WILDCARD = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/*/*";

const tokenEvent = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({
  type: "TOKEN",
  methodArn: METHOD_ARN,
  authorizationToken,
});

const requestEvent = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
  ({ type: "REQUEST", methodArn: METHOD_ARN, headers }) as APIGatewayRequestAuthorizerEvent;

function deps(
  secrets: SecretSource<"client_tokens"> = new StaticSecretSource({ client_tokens: REGISTRY_DOCUMENT }),
) {
  const logged: { message: string; attributes: Record<string, unknown> }[] = [];
  const dependencies: AuthorizerDeps = {
    registry: new ClientRegistrySource(secrets, "client_tokens"),
    logger: { info: (message, attributes) => logged.push({ message, attributes }) },
  };
  return { dependencies, logged };
}

describe("authorize on SCIM's routes (REQUEST authorizer, every request)", () => {
  const SCIM_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/scim/v2/Users";
  const scimEvent = (headers: Record<string, string>) =>
    ({
      type: "REQUEST",
      methodArn: SCIM_ARN,
      resource: "/scim/v2/Users",
      headers,
    }) as APIGatewayRequestAuthorizerEvent;

  it.each([
    ["no header", {}],
    ["an unknown token", { Authorization: "Bearer not-a-known-token" }],
    ["another scheme", { Authorization: "Basic dXNlcjpwYXNz" }],
  ])(
    "lets %s through to that one method with no client: the function answers 401 in SCIM's shape",
    async (_, headers) => {
      const result = await authorize(scimEvent(headers), deps().dependencies);
      expect(result.policyDocument.Statement).toEqual([
        { Action: "execute-api:Invoke", Effect: "Allow", Resource: SCIM_ARN },
      ]);
      expect(() => principalFromAuthorizerContext(result.context)).toThrow(
        expect.objectContaining({ kind: "unauthenticated" }),
      );
    },
  );

  it("allows a good token as on every other route", async () => {
    const result = await authorize(
      scimEvent({ authorization: `Bearer ${TOKENS.jira}` }),
      deps().dependencies,
    );
    expect(result.context).toEqual({ client: "jira", scopes: "onboard,offboard,read" });
  });

  it("still refuses with 401 (a throw) on the other routes' REQUEST events", async () => {
    await expect(authorize(requestEvent({}), deps().dependencies)).rejects.toThrow("Unauthorized");
  });
});

describe("authorize", () => {
  it("allows a good token on every route of the stage, with client and scopes in the context", async () => {
    const result = await authorize(tokenEvent(`Bearer ${TOKENS.servicenow}`), deps().dependencies);
    expect(result).toEqual({
      principalId: "servicenow",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: STAGE_WILDCARD }],
      },
      context: { client: "servicenow", scopes: "onboard,read" },
    });
    // The API function reads back exactly what the authorizer granted.
    expect(principalFromAuthorizerContext(result.context)).toEqual({
      client: "servicenow",
      scopes: ["onboard", "read"],
    });
  });

  it("reads the Authorization header of a REQUEST event whatever its case", async () => {
    const result = await authorize(
      requestEvent({ authorization: `Bearer ${TOKENS.jira}` }),
      deps().dependencies,
    );
    expect(result.context).toEqual({ client: "jira", scopes: "onboard,offboard,read" });
  });

  it.each([
    ["an unknown token", tokenEvent("Bearer nope")],
    ["the wrong scheme", tokenEvent(`Basic ${TOKENS.servicenow}`)],
    ["an empty token", tokenEvent("")],
    ["a REQUEST without the header", requestEvent({})],
  ])("throws Unauthorized for %s and logs the reason without the token", async (_label, event) => {
    const { dependencies, logged } = deps();
    await expect(authorize(event, dependencies)).rejects.toThrow(/^Unauthorized$/);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(TOKENS.servicenow);
  });

  it("does not read the secret for a request without a token", async () => {
    const read = vi.fn(async () => REGISTRY_DOCUMENT);
    await expect(authorize(requestEvent({}), deps({ get: read }).dependencies)).rejects.toThrow(
      "Unauthorized",
    );
    expect(read).not.toHaveBeenCalled();
  });

  it("lets a secret outage fail as an error, not as a 401", async () => {
    const failing: SecretSource<"client_tokens"> = {
      get: async () => {
        throw new Error("Secrets Manager unavailable");
      },
    };
    await expect(authorize(tokenEvent(`Bearer ${TOKENS.jira}`), deps(failing).dependencies)).rejects.toThrow(
      "Secrets Manager unavailable",
    );
  });

  it("picks up a rotated registry document", async () => {
    let document = REGISTRY_DOCUMENT;
    const { dependencies } = deps({ get: async () => document });
    await expect(authorize(tokenEvent("Bearer new-client-token"), dependencies)).rejects.toThrow(
      "Unauthorized",
    );
    document = JSON.stringify({
      clients: [{ name: "freshservice", token_sha256: hashToken("new-client-token"), scopes: ["offboard"] }],
    });
    const result = await authorize(tokenEvent("Bearer new-client-token"), dependencies);
    expect(result.context).toEqual({ client: "freshservice", scopes: "offboard" });
    await expect(authorize(tokenEvent(`Bearer ${TOKENS.servicenow}`), dependencies)).rejects.toThrow(
      "Unauthorized",
    );
  });
});

describe("stageWildcardArn", () => {
  it("keeps partition, region, account, API and stage", () => {
    expect(stageWildcardArn("arn:aws-cn:execute-api:cn-north-1:111122223333:api9/dev/GET/v1/jobs/abc")).toBe(
      "arn:aws-cn:execute-api:cn-north-1:111122223333:api9/dev/*/*",
    );
  });

  it.each(["", "not-an-arn", "arn:aws:lambda:eu-west-1:123456789012:function:x"])("refuses %j", (arn) => {
    expect(() => stageWildcardArn(arn)).toThrow();
  });
});

describe("handler (local mode: tokens from CLIENT_TOKENS)", () => {
  // A fresh module per test: the container state (config, secret source, logger) is built in it.
  beforeEach(() => {
    vi.resetModules();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("authenticates through the middy-wrapped entry with the container's secret source", async () => {
    vi.stubEnv("CLIENT_TOKENS", REGISTRY_DOCUMENT);
    vi.stubEnv("CLIENT_TOKENS_SECRET_ARN", "");
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
    const { handler } = await import("../../functions/authorizer/handler");
    const context = { functionName: "authorizer", awsRequestId: "r1" } as Context;
    const result = await handler(tokenEvent(`Bearer ${TOKENS.auditor}`), context);
    expect(result.context).toEqual({ client: "auditor", scopes: "read" });
    await expect(handler(tokenEvent("Bearer wrong"), context)).rejects.toThrow("Unauthorized");
  });

  it("refuses to run when no client-token source is configured, naming both settings", async () => {
    vi.stubEnv("CLIENT_TOKENS", undefined);
    vi.stubEnv("CLIENT_TOKENS_SECRET_ARN", undefined);
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
    const { handler } = await import("../../functions/authorizer/handler");
    const context = { functionName: "authorizer", awsRequestId: "r1" } as Context;
    await expect(handler(tokenEvent(`Bearer ${TOKENS.auditor}`), context)).rejects.toThrow(
      /CLIENT_TOKENS_SECRET_ARN \(AWS\) or CLIENT_TOKENS/,
    );
  });
});
