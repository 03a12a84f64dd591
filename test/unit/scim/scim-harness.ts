/**
 * SCIM over the API function on the memory service: an identity provider's requests as API Gateway
 * hands them over (the SCIM authorizer's context), SCIM answers parsed, the worker run on demand.
 */
import type { ApiDeps } from "../../../functions/api/api";
import { toProxyEvent } from "../../../local/runtime/api-gateway-event";
import { respondToError } from "../../../shared/http/http-error-handler";
import { memoryApi } from "../support/memory-api";
import { type MemoryServiceOptions, memoryService } from "../support/memory-service";

export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const DIALPAD = "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User";
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export interface ScimAnswer {
  status: number;
  headers: Record<string, string | number | boolean>;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in the tests
  body: any;
}

export interface IdpClient {
  name: string;
  scopes: string[];
  massOffboardLimit?: number;
}

export const OKTA: IdpClient = { name: "okta", scopes: ["scim"] };

export function scimWorld(
  options: { settings?: Partial<ApiDeps["settings"]>; service?: MemoryServiceOptions } = {},
) {
  const service = memoryService(options.service);
  const api = memoryApi(service, { scimDefaultOffice: undefined, ...options.settings });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    client: IdpClient | null = OKTA,
    headers: Record<string, string> = {},
  ): Promise<ScimAnswer> {
    const [rawPath = "", query] = path.split("?", 2);
    const built = toProxyEvent({
      method,
      path: `/scim/v2${rawPath}`,
      ...(query ? { query: new URLSearchParams(query) } : {}),
      headers: { "content-type": "application/scim+json", host: "127.0.0.1:3000", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      authorizer: client
        ? {
            client: client.name,
            scopes: client.scopes.join(","),
            ...(client.massOffboardLimit === undefined
              ? {}
              : { mass_offboard_limit: String(client.massOffboardLimit) }),
          }
        : { principalId: "unauthenticated", refused: "unauthorized" },
    });
    if (!built) throw new Error(`no route for ${method} ${path}`);
    const response = await api(built.event).catch((error) =>
      respondToError(error, built.event, { error: () => undefined }),
    );
    return {
      status: response.statusCode,
      headers: response.headers ?? {},
      body: response.body ? JSON.parse(response.body) : undefined,
    };
  }

  /** A user as Okta creates one. */
  const oktaUser = (email: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    userName: email,
    name: { givenName: "Ada", familyName: "Lovelace" },
    emails: [{ primary: true, value: email, type: "work" }],
    displayName: "Ada Lovelace",
    active: true,
    password: "never-stored-1!",
    groups: [],
    externalId: `ext-${email}`,
    ...extra,
  });

  const patch = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

  /** Creates `email` active in HQ, onboards it in Dialpad; answers its SCIM id. */
  async function create(email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await call(
      "POST",
      "/Users",
      oktaUser(email, { [DIALPAD]: { officeName: "HQ" }, ...extra }),
    );
    if (answer.status !== 201)
      throw new Error(`POST answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await service.work();
    return answer.body.id as string;
  }

  return {
    service,
    call,
    create,
    oktaUser,
    patch,
    get: (path: string, client?: IdpClient | null) => call("GET", path, undefined, client),
    post: (body: unknown, client?: IdpClient | null) => call("POST", "/Users", body, client),
    /** Jobs of a kind, oldest first. */
    jobsOf: (kind: string) => service.jobs.all().filter((job) => job.kind === kind),
  };
}
