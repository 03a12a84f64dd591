/**
 * The HTTP API's routes (PRODUCT.md), in one table that the API function dispatches on, the CDK
 * stack builds API Gateway resources from, and the local HTTP front matches requests with.
 * `resource` uses API Gateway's template syntax, as it appears in `event.resource`.
 */
import type { Scope } from "../../shared/auth/scopes";

export interface RouteSpec {
  method: "GET" | "POST";
  resource: string;
  /** The scope a client needs; undefined = no bearer token (health, webhook). */
  scope?: Scope;
  /** Which function serves it. */
  fn: "api" | "webhook";
}

export const ROUTES = {
  health: { method: "GET", resource: "/v1/health", fn: "api" },
  onboard: { method: "POST", resource: "/v1/onboard", scope: "onboard", fn: "api" },
  offboard: { method: "POST", resource: "/v1/offboard", scope: "offboard", fn: "api" },
  getJob: { method: "GET", resource: "/v1/jobs/{job_id}", scope: "read", fn: "api" },
  getUser: { method: "GET", resource: "/v1/users/{email}", scope: "read", fn: "api" },
  approveDeletion: {
    method: "POST",
    resource: "/v1/users/{email}/approve-deletion",
    scope: "offboard",
    fn: "api",
  },
  startReconcile: { method: "POST", resource: "/v1/reconcile", scope: "read", fn: "api" },
  getReconcile: { method: "GET", resource: "/v1/reconcile/{report_id}", scope: "read", fn: "api" },
  webhook: { method: "POST", resource: "/v1/webhooks/dialpad", fn: "webhook" },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** Matches a concrete method and path against the table; answers the route and its path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { name: RouteName; route: RouteSpec; pathParameters: Record<string, string> } | undefined {
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, RouteSpec][]) {
    if (route.method !== method.toUpperCase()) continue;
    const names: string[] = [];
    const pattern = route.resource.replace(/\{(\w+)\}/g, (_, param: string) => {
      names.push(param);
      return "([^/]+)";
    });
    const match = new RegExp(`^${pattern}/?$`).exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(names.map((param, i) => [param, match[i + 1] ?? ""]));
    return { name, route, pathParameters };
  }
  return undefined;
}
