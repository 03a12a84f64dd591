/**
 * API Gateway Lambda authorizer (TOKEN or REQUEST type): bearer token → client → IAM policy.
 * Primary course: read the Authorization header → load the client registry (from its secret,
 * cached) → authenticate → Allow `execute-api:Invoke` on every route of the stage, with the client
 * and its scopes in the context. The policy is route-independent on purpose: API Gateway caches it
 * per token, and a route-specific policy would then wrongly deny the client's next route. Each
 * route checks its scope in the API function (`requireScope`).
 *
 * A missing or unknown token throws `Error("Unauthorized")`, API Gateway's way to answer 401; any
 * other failure (the secret cannot be read) propagates and answers 500, so an outage never looks
 * like a bad token.
 *
 * SCIM's routes (`/scim/...`) have a REQUEST authorizer without identity source or cache, so it runs
 * for every request, a token-less one included: a refused token there is let through to that one
 * method with no client in the context, and the API function answers the 401 in SCIM's error
 * shape (API Gateway's own 401 has one body per API, the product's).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import middy from "@middy/core";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
} from "aws-lambda";
import { authenticate, bearerToken } from "../../shared/auth/authenticate";
import { toAuthorizerContext } from "../../shared/auth/authorizer-context";
import type { ClientRegistry } from "../../shared/auth/client-registry";
import { serviceClientRegistry } from "../../shared/auth/client-registry-source";
import type { Principal } from "../../shared/auth/scopes";
import { loadConfig, secretSettings } from "../../shared/config";
import { NotAuthenticated } from "../../shared/errors/domain-errors";
import { headerValue } from "../../shared/http/header-value";
import { createLogger } from "../../shared/observability/logger";
import { createTracer, traced } from "../../shared/observability/tracing";
import { appSecretSource, requireSecrets } from "../../shared/secrets/app-secrets";

export type AuthorizerEvent = APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent;

export interface AuthorizerDeps {
  registry: { load(): Promise<ClientRegistry> };
  logger: { info(message: string, attributes: Record<string, unknown>): void };
}

/** `arn:aws:execute-api:region:account:apiId/stage/*\/*` from the invoked method's ARN. */
export function stageWildcardArn(methodArn: string): string {
  const parts = methodArn.split(":");
  const [apiId, stage] = (parts[5] ?? "").split("/");
  if (parts.length !== 6 || parts[2] !== "execute-api" || !apiId || !stage) {
    throw new Error("The authorizer event has no execute-api method ARN.");
  }
  return `${parts.slice(0, 5).join(":")}:${apiId}/${stage}/*/*`;
}

export function allowPolicy(principal: Principal, methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId: principal.client,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: stageWildcardArn(methodArn) }],
    },
    context: toAuthorizerContext(principal),
  };
}

const authorizationHeader = (event: AuthorizerEvent): string | undefined =>
  event.type === "TOKEN" ? event.authorizationToken : headerValue(event.headers, "authorization");

/** Lets one request through to its method with no client: the function answers the refusal. */
export function refusalPolicy(methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId: "unauthenticated",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
    },
    context: { refused: "unauthorized" },
  };
}

/** SCIM routes answer their own refusals (see above). */
const refusesInBand = (event: AuthorizerEvent) =>
  event.type === "REQUEST" && (event.resource ?? "").startsWith("/scim/");

export async function authorize(
  event: AuthorizerEvent,
  deps: AuthorizerDeps,
): Promise<APIGatewayAuthorizerResult> {
  try {
    const header = authorizationHeader(event);
    bearerToken(header); // refuse a missing or malformed header before reading the secret
    const principal = authenticate(await deps.registry.load(), header);
    return allowPolicy(principal, event.methodArn);
  } catch (error) {
    if (!(error instanceof NotAuthenticated)) throw error;
    // The reason, never the token: enough to tell "no header" from "unknown token" in the logs.
    deps.logger.info("Token refused", { reason: error.message });
    if (refusesInBand(event)) return refusalPolicy(event.methodArn);
    throw new Error("Unauthorized");
  }
}

// Built once per container, on the first invocation (so importing this module has no side effects):
// the configuration is checked then, and the secret is read (and cached) on use.
const logger = createLogger({ component: "authorizer" });
const tracer = createTracer();
let containerDeps: AuthorizerDeps | undefined;
function dependencies(): AuthorizerDeps {
  if (containerDeps === undefined) {
    const settings = loadConfig(secretSettings);
    requireSecrets(settings, ["client_tokens"]);
    containerDeps = {
      registry: serviceClientRegistry(
        appSecretSource(settings, { secretsManagerClient: traced(new SecretsManagerClient({}), tracer) }),
        settings.LOCAL_CLIENTS_FILE,
      ),
      logger,
    };
  }
  return containerDeps;
}

export const handler = middy((event: AuthorizerEvent) => authorize(event, dependencies()))
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }));
