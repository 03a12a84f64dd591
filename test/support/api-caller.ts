/**
 * Calls the API function the way API Gateway would after the authorizer allowed the request:
 * a proxy event for the route, the authorizer context of a client with the given scopes, and the
 * same error mapping the Lambda middleware applies.
 */
import { type ApiDeps, type ApiHandler, createApi } from "../../functions/api/api";
import { toProxyEvent } from "../../local/runtime/api-gateway-event";
import { respondToError } from "../../shared/http/http-error-handler";
import type { ServiceDeps } from "../../shared/wiring/service-deps";

const quietLogger = { error: () => undefined };

/** The API function over a test harness's service (its stores and queues). */
export function apiOf(service: ServiceDeps, settings: Partial<ApiDeps["settings"]> = {}): ApiHandler {
  return createApi({
    ...service,
    settings: { ...service.lifecycle.settings, ...settings },
  });
}

export interface ApiCall {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Omit for a request that reached the function without an authorizer context. */
  client?: { name: string; scopes: string[]; massOffboardLimit?: number };
}

export async function callApi(api: ApiHandler, call: ApiCall) {
  const [path = "", query] = call.path.split("?", 2);
  const built = toProxyEvent({
    method: call.method,
    path,
    ...(query ? { query: new URLSearchParams(query) } : {}),
    headers: { "content-type": "application/json", ...call.headers },
    body:
      call.body === undefined
        ? undefined
        : typeof call.body === "string"
          ? call.body
          : JSON.stringify(call.body),
    ...(call.client
      ? {
          authorizer: {
            client: call.client.name,
            scopes: call.client.scopes.join(","),
            ...(call.client.massOffboardLimit === undefined
              ? {}
              : { mass_offboard_limit: String(call.client.massOffboardLimit) }),
          },
        }
      : {}),
  });
  if (!built) throw new Error(`no route for ${call.method} ${call.path}`);
  const response = await api(built.event).catch((error) => respondToError(error, built.event, quietLogger));
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: response.body ? JSON.parse(response.body) : undefined,
  };
}
