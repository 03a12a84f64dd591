/**
 * The Dialpad Admin API v2 endpoints the lifecycle service uses, routed onto the domain. Each
 * handler validates its input the way the spec describes it (ids as strings or numbers, `null` as
 * unset), calls DialpadState and maps the result to the wire format. Always 200 on success.
 */
import * as z from "zod";
import type { DialpadState } from "../domain/dialpad-state";
import {
  type ChangeActor,
  DEPARTMENT_OPERATOR_ROLES,
  LICENSES,
  type NumberHolderKind,
  OPERATOR_ROLES,
  type PhoneNumber,
} from "../domain/model";
import { paginate } from "../domain/pagination";
import { badRequest, SandboxError } from "../domain/sandbox-error";
import {
  availableLicensesToWire,
  callCenterToWire,
  departmentToWire,
  numberToWire,
  officeToWire,
  operatorToWire,
  subscriptionToWire,
  userToWire,
  webhookToWire,
} from "../domain/wire-format";
import { jsonBody } from "./exchange";
import { RouteTable } from "./route-table";

export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  rawBody: string;
}

export type ApiHandler = (request: ApiRequest) => unknown;

/** Settings the handlers read on every request (the control routes may change them at run time). */
export interface ApiSettings {
  usersPageSize: number;
  officesPageSize: number;
  callCentersPageSize: number;
  /** Chance that `GET /users` with `limit` answers 400, as Dialpad does on purpose (0.2). */
  limitParamFailureRate: number;
  /** Whether the key has the `change_log` scope `POST /subscriptions/changelog` requires. */
  changeLogScope: boolean;
  /**
   * What `GET /users` lists when no `state` is asked for, which Dialpad does not document:
   * `not_deleted` (default) or `active` (the strict reading, which hides suspended users).
   */
  usersDefaultState: "not_deleted" | "active";
  /** Write unset fields as `null` (the spec allows it for every field) instead of leaving them out. */
  nullForUnset: boolean;
}

/** Dialpad caps `limit` at 100 even where it still honours it. */
const MAX_LIMIT = 100;

const unset = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

const int64Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()], {
  error: (issue) =>
    issue.input === undefined || issue.input === null ? "is required" : "must be an int64 id",
});
const requiredId = int64Id.transform(String);
const optionalId = unset(int64Id).transform((value) => (value === undefined ? undefined : String(value)));

const createUserBody = z.looseObject({
  email: z.string({ error: "is required" }),
  office_id: requiredId,
  first_name: unset(z.string()),
  last_name: unset(z.string()),
  license: unset(z.enum(LICENSES)),
  auto_assign: unset(z.boolean()),
});

const updateUserBody = z.looseObject({
  state: unset(z.enum(["active", "suspended"], { error: "only accepts active or suspended" })),
  first_name: unset(z.string()),
  last_name: unset(z.string()),
  extension: unset(z.string()),
  license: unset(z.enum(LICENSES)),
  office_id: optionalId,
  emails: unset(z.array(z.string())),
  phone_numbers: unset(z.array(z.string())),
  admin_office_ids: unset(z.array(requiredId)),
  is_super_admin: unset(z.boolean()),
  job_title: unset(z.string()),
  forwarding_numbers: unset(z.array(z.string())),
  international_dialing_enabled: unset(z.boolean()),
  keep_paid_numbers: unset(z.boolean()),
});

const assignNumberBody = z.looseObject({
  number: unset(z.string()),
  area_code: unset(z.string().regex(/^\d{3}$/, "must be a 3-digit area code")),
  primary: unset(z.boolean()),
});

const unassignNumberBody = z.looseObject({ number: z.string({ error: "is required" }) });

const moveOfficeBody = z.looseObject({ office_id: requiredId });

/** `target_type` values of the spec the sandbox can hold numbers for, and how it calls each holder. */
const TARGET_KINDS: Record<string, NumberHolderKind> = {
  user: "user",
  department: "department",
  callcenter: "call_center",
  office: "office",
};
const assignToTargetBody = z.looseObject({
  target_id: requiredId,
  target_type: z.string({ error: "is required" }).refine((type) => type in TARGET_KINDS, {
    error: `the sandbox assigns numbers to ${Object.keys(TARGET_KINDS).join(", ")} only`,
  }),
  primary: unset(z.boolean()),
});
const releaseFlag = z.enum(["true", "false"], { error: "must be true or false" });

const addOperatorBody = z.looseObject({
  user_id: requiredId,
  role: unset(z.enum(OPERATOR_ROLES)),
  skill_level: unset(z.number().int()),
  license_type: unset(z.enum(["agents", "lite_support_agents"])),
  keep_paid_numbers: unset(z.boolean()),
});

const removeOperatorBody = z.looseObject({ user_id: requiredId });

const addDepartmentOperatorBody = z.looseObject({
  user_id: requiredId,
  role: unset(z.enum(DEPARTMENT_OPERATOR_ROLES)),
});

const createWebhookBody = z.looseObject({
  hook_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  secret: unset(z.string()),
});

const subscribeBody = z.looseObject({ endpoint_id: requiredId, enabled: unset(z.boolean()) });

const userStateFilter = z.enum(["active", "all", "cancelled", "deleted", "pending", "suspended"], {
  error: "must be one of active, all, cancelled, deleted, pending, suspended",
});

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badRequest(result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
}

/** Path ids are int64; `me` only works with a user-level key, and the sandbox's key is a company key. */
function pathId(value: string | undefined): string {
  if (value === "me") throw badRequest("'me' can only be used with a user-level API key");
  if (!value || !/^\d+$/.test(value)) throw badRequest(`Invalid id: ${value}`);
  return value;
}

function queryId(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`${name}: must be an int64 id`);
  return value;
}

export function apiRoutes(
  state: DialpadState,
  settings: ApiSettings,
  actor: ChangeActor,
  random: () => number,
) {
  const user = (id: string) => userToWire(state.user(id), state);
  /** An unassigned number; `deleted: true` when it left the company (released, or no reserved pool). */
  const unassignedToWire = (number: PhoneNumber) => ({
    ...numberToWire(number, state),
    ...(state.number(number.number) ? {} : { deleted: true }),
  });
  /** A `{items, cursor}` page; an empty last page has neither (null in null mode). */
  const wirePage = <T extends { id: string }>(
    listing: string,
    items: T[],
    query: URLSearchParams,
    pageSize: number,
    toWire: (item: T) => unknown,
  ) => {
    const page = paginate(listing, items, query.get("cursor") ?? undefined, pageSize);
    return { items: page.items?.map(toWire), cursor: page.cursor };
  };

  return new RouteTable<ApiHandler>()
    .add("GET", "/users", ({ query }) => {
      let pageSize = settings.usersPageSize;
      const limit = query.get("limit");
      if (limit !== null) {
        if (random() < settings.limitParamFailureRate) {
          throw badRequest(
            "The limit parameter is deprecated: omit it (pages hold up to 100 users) and follow the cursor",
          );
        }
        const parsed = Number(limit);
        if (!Number.isInteger(parsed) || parsed < 1) throw badRequest("limit: must be a positive integer");
        pageSize = Math.min(parsed, MAX_LIMIT);
      }
      const stateFilter = query.get("state");
      const number = query.get("number");
      const users = state
        .users(
          {
            email: query.get("email") ?? undefined,
            state: stateFilter === null ? undefined : parse(userStateFilter, stateFilter),
          },
          settings.usersDefaultState,
        )
        .filter((u) => number === null || u.phoneNumbers.includes(number));
      return wirePage("users", users, query, pageSize, (u) => userToWire(u, state));
    })
    .add("POST", "/users", ({ rawBody }) => {
      const body = parse(createUserBody, jsonBody(rawBody));
      const created = state.createUser(
        {
          email: body.email,
          officeId: body.office_id,
          firstName: body.first_name,
          lastName: body.last_name,
          license: body.license,
          autoAssign: body.auto_assign,
        },
        actor,
      );
      return user(created.id);
    })
    .add("GET", "/users/{id}", ({ params }) => user(pathId(params.id)))
    .add("PATCH", "/users/{id}", ({ params, rawBody }) => {
      const body = parse(updateUserBody, jsonBody(rawBody));
      const updated = state.updateUser(
        pathId(params.id),
        {
          state: body.state,
          firstName: body.first_name,
          lastName: body.last_name,
          extension: body.extension,
          license: body.license,
          officeId: body.office_id,
          emails: body.emails,
          phoneNumbers: body.phone_numbers,
          adminOfficeIds: body.admin_office_ids,
          isSuperAdmin: body.is_super_admin,
          jobTitle: body.job_title,
          forwardingNumbers: body.forwarding_numbers,
          internationalDialingEnabled: body.international_dialing_enabled,
        },
        actor,
      );
      return user(updated.id);
    })
    .add("PATCH", "/users/{id}/move_office", ({ params, rawBody }) => {
      const body = parse(moveOfficeBody, jsonBody(rawBody));
      const moved = state.updateUser(pathId(params.id), { officeId: body.office_id }, actor, {
        reassignNumbers: true,
      });
      return user(moved.id);
    })
    .add("DELETE", "/users/{id}", ({ params }) => user(state.deleteUser(pathId(params.id), actor).id))
    .add("POST", "/users/{id}/assign_number", ({ params, rawBody }) => {
      const body = parse(assignNumberBody, jsonBody(rawBody));
      const assigned = state.assignNumber(
        pathId(params.id),
        { number: body.number, areaCode: body.area_code, primary: body.primary },
        actor,
      );
      return numberToWire(assigned, state);
    })
    .add("POST", "/users/{id}/unassign_number", ({ params, rawBody }) => {
      const body = parse(unassignNumberBody, jsonBody(rawBody));
      return unassignedToWire(state.unassignNumber(pathId(params.id), body.number, actor));
    })
    .add("POST", "/numbers/{number}/assign", ({ params, rawBody }) => {
      const body = parse(assignToTargetBody, jsonBody(rawBody));
      const target = { kind: TARGET_KINDS[body.target_type]!, id: body.target_id };
      const assigned = state.assignNumberToTarget(params.number!, target, body.primary ?? true, actor);
      return numberToWire(assigned, state);
    })
    .add("DELETE", "/numbers/{number}", ({ params, query }) => {
      const release = query.get("release");
      const released = release !== null && parse(releaseFlag, release) === "true";
      return unassignedToWire(state.unassignNumberFromHolder(params.number!, released, actor));
    })
    .add("GET", "/offices", ({ query }) =>
      wirePage("offices", state.offices(), query, settings.officesPageSize, (o) => officeToWire(o, state)),
    )
    .add("GET", "/offices/{id}", ({ params }) => officeToWire(state.office(pathId(params.id)), state))
    .add("GET", "/offices/{office_id}/available_licenses", ({ params }) =>
      availableLicensesToWire(state.office(pathId(params.office_id)).availableSeats),
    )
    .add("GET", "/callcenters", ({ query }) => {
      const callCenters = state.callCenters({ officeId: queryId(query, "office_id") });
      return wirePage("callcenters", callCenters, query, settings.callCentersPageSize, (cc) =>
        callCenterToWire(cc, state),
      );
    })
    .add("GET", "/callcenters/{id}", ({ params }) =>
      callCenterToWire(state.callCenter(pathId(params.id)), state),
    )
    .add("GET", "/departments", ({ query }) => {
      const departments = state.departments({ officeId: queryId(query, "office_id") });
      const nameSearch = query.get("name_search")?.toLowerCase();
      const found = departments.filter((d) => !nameSearch || d.name.toLowerCase().includes(nameSearch));
      return wirePage("departments", found, query, settings.callCentersPageSize, (d) =>
        departmentToWire(d, state),
      );
    })
    .add("GET", "/departments/{id}", ({ params }) =>
      departmentToWire(state.department(pathId(params.id)), state),
    )
    .add("POST", "/departments/{id}/operators", ({ params, rawBody }) => {
      const body = parse(addDepartmentOperatorBody, jsonBody(rawBody));
      const added = state.addDepartmentOperator(
        pathId(params.id),
        body.user_id,
        body.role ?? "operator",
        actor,
      );
      return operatorToWire(added, state);
    })
    .add("GET", "/callcenters/{id}/operators", ({ params }) => {
      const operators = state.operators(pathId(params.id));
      // No operators: Dialpad leaves `users` out (null in null mode), as for any empty repeated field.
      return {
        users: operators.length > 0 ? operators.map((u) => userToWire(u, state)) : undefined,
        rooms: undefined,
      };
    })
    .add("POST", "/callcenters/{id}/operators", ({ params, rawBody }) => {
      const body = parse(addOperatorBody, jsonBody(rawBody));
      const added = state.addOperator(pathId(params.id), body.user_id, body.role ?? "operator", actor);
      return operatorToWire(added, state);
    })
    .add("DELETE", "/callcenters/{id}/operators", ({ params, rawBody }) => {
      const body = parse(removeOperatorBody, jsonBody(rawBody));
      return operatorToWire(state.removeOperator(pathId(params.id), body.user_id, actor), state);
    })
    .add("POST", "/webhooks", ({ rawBody }) => {
      const body = parse(createWebhookBody, jsonBody(rawBody));
      return webhookToWire(state.createWebhook(body.hook_url, body.secret));
    })
    .add("POST", "/subscriptions/changelog", ({ rawBody }) => {
      if (!settings.changeLogScope) throw new SandboxError(403, "This API key lacks the change_log scope");
      const body = parse(subscribeBody, jsonBody(rawBody));
      return subscriptionToWire(state.subscribeToChangeLog(body.endpoint_id, body.enabled ?? true), state);
    });
}
