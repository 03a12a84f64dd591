/**
 * /__sandbox/: the HTTP face of the Sandbox object, so end-to-end tests in another process can
 * read stats and state, inject faults, seed data, change settings and act "by hand" as an admin in
 * Dialpad's UI. No auth, no rate limit, no latency, not counted in stats. By-hand answers are
 * Dialpad-shaped users (UserProto); state answers are the sandbox's own snapshot.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as z from "zod";
import { LICENSES } from "../domain/model";
import { SandboxError } from "../domain/sandbox-error";
import type { SandboxControls } from "../sandbox-api";
import { faultSpec } from "../traffic/faults";
import { errorBody, jsonBody, readBody, sendJson } from "./exchange";
import { RouteTable } from "./route-table";

export const CONTROL_BASE_PATH = "/__sandbox";

type ControlHandler = (request: { params: Record<string, string>; body: unknown }) => unknown;
export type ControlRoutes = RouteTable<ControlHandler>;

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const seatCounts = {
  talk_lines: z.number().int().nonnegative().optional(),
  sell_lines: z.number().int().nonnegative().optional(),
  contact_center_lines: z.number().int().nonnegative().optional(),
};

const seedBody = z.strictObject({
  users: z
    .strictObject({
      count: z.number().int().positive(),
      office_id: id.optional(),
      license: z.enum(LICENSES).optional(),
    })
    .optional(),
  seats: z.strictObject({ office_id: id, ...seatCounts }).optional(),
});

const configBody = z.strictObject({
  rateLimitPerSecond: z.number().int().positive().optional(),
  operationLimitPerMinute: z.number().int().positive().optional(),
  neighbourMode: z.enum(["off", "steady", "bursty"]).optional(),
  neighbourRatePerSecond: z.number().positive().optional(),
  neighbourBurstSize: z.number().int().positive().optional(),
  neighbourBurstEveryMs: z.number().int().positive().optional(),
  latencyMs: z.number().nonnegative().optional(),
  jitterMs: z.number().nonnegative().optional(),
  usersPageSize: z.number().int().positive().optional(),
  officesPageSize: z.number().int().positive().optional(),
  callCentersPageSize: z.number().int().positive().optional(),
  limitParamFailureRate: z.number().min(0).max(1).optional(),
  changeLogScope: z.boolean().optional(),
  timeoutHangMs: z.number().int().nonnegative().optional(),
  usersDefaultState: z.enum(["not_deleted", "active"]).optional(),
  nullForUnset: z.boolean().optional(),
  reservedPool: z.boolean().optional(),
});

const byHandUserBody = z.strictObject({
  email: z.string(),
  office_id: id.optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  license: z.enum(LICENSES).optional(),
});

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new SandboxError(
    400,
    result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
  );
}

export function controlRoutes(
  controls: SandboxControls,
  userJson: (userId: string) => unknown,
): ControlRoutes {
  return new RouteTable<ControlHandler>()
    .add("GET", "/stats", () => ({
      ...controls.stats(),
      neighbour: controls.neighbourStats(),
      webhookDeliveries: controls.webhookDeliveries(),
    }))
    .add("POST", "/stats/reset", () => {
      controls.resetStats();
      return {};
    })
    .add("POST", "/faults", ({ body }) => {
      const specs = Array.isArray(body) ? body : [body];
      for (const spec of specs) controls.injectFaults(parse(faultSpec, spec));
      return {};
    })
    .add("DELETE", "/faults", () => {
      controls.clearFaults();
      return {};
    })
    .add("GET", "/config", () => controls.settings())
    .add("POST", "/config", ({ body }) => {
      controls.configure(parse(configBody, body));
      return controls.settings();
    })
    .add("GET", "/state", () => controls.state.snapshot())
    .add("POST", "/seed", ({ body }) => {
      const seed = parse(seedBody, body);
      const userIds = seed.users
        ? controls.seed.users(seed.users.count, {
            officeId: seed.users.office_id,
            license: seed.users.license,
          })
        : [];
      if (seed.seats) {
        const { office_id, ...seats } = seed.seats;
        controls.seed.seats(office_id, seats);
      }
      return { userIds };
    })
    .add("POST", "/by-hand/users", ({ body }) => {
      const input = parse(byHandUserBody, body);
      const user = controls.byHand.createUser({
        email: input.email,
        officeId: input.office_id,
        firstName: input.first_name,
        lastName: input.last_name,
        license: input.license,
      });
      return userJson(user.id);
    })
    .add("POST", "/by-hand/users/{id}/suspend", ({ params }) =>
      userJson(controls.byHand.suspendUser(params.id!).id),
    )
    .add("POST", "/by-hand/users/{id}/reactivate", ({ params }) =>
      userJson(controls.byHand.reactivateUser(params.id!).id),
    )
    .add("POST", "/by-hand/users/{id}/delete", ({ params }) =>
      userJson(controls.byHand.deleteUser(params.id!).id),
    )
    .add("POST", "/by-hand/callcenters/{id}/operators/remove", ({ params, body }) => {
      const { user_id } = parse(z.looseObject({ user_id: id }), body);
      return userJson(controls.byHand.removeOperator(params.id!, user_id).id);
    });
}

export async function handleControl(
  routes: ControlRoutes,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const method = request.method ?? "GET";
  const match = routes.match(method, url.pathname.slice(CONTROL_BASE_PATH.length));
  try {
    const body = jsonBody(await readBody(request));
    if (match.kind === "not_found") throw new SandboxError(404, `No such sandbox route: ${url.pathname}`);
    if (match.kind === "method_not_allowed") throw new SandboxError(405, `Method ${method} not allowed`);
    sendJson(response, 200, match.handler({ params: match.params, body }));
  } catch (caught) {
    if (!(caught instanceof SandboxError)) throw caught;
    sendJson(response, caught.status, errorBody(caught.status, caught.message));
  }
}
