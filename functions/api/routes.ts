/**
 * The HTTP API's routes: the one table the API function dispatches on, the CDK stack builds API
 * Gateway resources from, local mode matches requests with and the OpenAPI document is generated
 * from. Adding a route is one entry here and one file in routes/.
 */
import type { Route } from "./route";
import { approveDeletionRoute } from "./routes/approve-deletion";
import { health } from "./routes/health";
import { liftHoldRoute, placeHoldRoute } from "./routes/hold";
import { startImport } from "./routes/import";
import { cancelJobRoute, releaseJobRoute } from "./routes/job-decisions";
import { getJob } from "./routes/jobs";
import { listJobs, listUsers } from "./routes/lists";
import { offboard } from "./routes/offboard";
import { listOffices } from "./routes/offices";
import { onboard } from "./routes/onboard";
import { openApiRoute } from "./routes/openapi-route";
import { getReconcile, startReconcile } from "./routes/reconcile";
import { SCIM_DISCOVERY_ROUTES, SCIM_USER_ROUTES } from "./routes/scim";
import { SCIM_GROUP_ROUTES } from "./routes/scim-groups";
import { update } from "./routes/update";
import { getUser } from "./routes/users";
import { dialpadWebhook } from "./routes/webhook";

export const ROUTES: readonly Route[] = [
  health,
  openApiRoute(() => ROUTES),
  onboard,
  update,
  offboard,
  listJobs,
  getJob,
  releaseJobRoute,
  cancelJobRoute,
  listUsers,
  getUser,
  listOffices,
  approveDeletionRoute,
  placeHoldRoute,
  liftHoldRoute,
  startImport,
  startReconcile,
  getReconcile,
  dialpadWebhook,
  ...SCIM_DISCOVERY_ROUTES,
  ...SCIM_USER_ROUTES,
  ...SCIM_GROUP_ROUTES,
];

export interface MatchedRoute {
  route: Route;
  /** Raw (still URL-encoded) path parameters, as API Gateway passes them. */
  pathParameters: Record<string, string>;
}

/**
 * Matches a concrete method and path against the table, as API Gateway does: a literal segment
 * wins over a `{parameter}` (`/v1/jobs/export` before `/v1/jobs/{job_id}`).
 */
export function matchRoute(
  method: string,
  path: string,
  routes: readonly Route[] = ROUTES,
): MatchedRoute | undefined {
  const segments = trimSlashes(path).split("/");
  let best: (MatchedRoute & { literals: number }) | undefined;
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const template = trimSlashes(route.path).split("/");
    if (template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    const matches = template.every((part, i) => {
      const segment = segments[i] ?? "";
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      if (parameter === undefined) {
        literals += 1;
        return part === segment;
      }
      pathParameters[parameter] = segment;
      return segment !== "";
    });
    if (matches && (!best || literals > best.literals)) best = { route, pathParameters, literals };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, "");

/** `METHOD /path/{template}`: how the API function keys its routes (`event.resource`). */
export const routeKey = (route: Pick<Route, "method" | "path">) => `${route.method} ${route.path}`;
