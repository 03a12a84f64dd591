/**
 * The SCIM 2.0 Users routes (scope `scim`, RFC 7644): `/scim/v2/Users` and `/scim/v2/Users/{id}`.
 * Thin: read the request, call the Users service (shared/scim/scim-users.ts), answer the resource
 * in `application/scim+json`. The bodies are SCIM's, described by the SCIM schema document
 * (`GET /scim/v2/Schemas`) rather than here; errors answer in SCIM's error shape (the error
 * mapping picks it for every `/scim/` route).
 */
import * as z from "zod";
import {
  resourceType,
  resourceTypes,
  schema,
  schemas,
  serviceProviderConfig,
} from "../../../shared/scim/discovery";
import { listResponse, parseListQuery, project } from "../../../shared/scim/list-query";
import { SCIM_CONTENT_TYPE } from "../../../shared/scim/media-type";
import { ScimError } from "../../../shared/scim/scim-error";
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  type ScimCaller,
  type ScimUsersDeps,
  type ScimUserView,
} from "../../../shared/scim/scim-users";
import { userResource } from "../../../shared/scim/user-resource";
import type { ApiDeps } from "../deps";
import { defineRoute, type RouteInput, reply } from "../route";

/** Where SCIM's resources are: `{base}/scim/v2`. */
export const SCIM_PATH = "/scim/v2";
export const SCIM_HEADERS = { "content-type": SCIM_CONTENT_TYPE };

export const SCHEMAS_LINK = `Described by SCIM's own schema document, \`GET ${SCIM_PATH}/Schemas\` (RFC 7643), not here.`;
const scimResource = z
  .looseObject({})
  .meta({ id: "ScimResource", description: `A SCIM 2.0 resource. ${SCHEMAS_LINK}` });
const scimListResponse = z
  .looseObject({ totalResults: z.int(), startIndex: z.int(), itemsPerPage: z.int() })
  .meta({ id: "ScimListResponse", description: `A SCIM 2.0 ListResponse. ${SCHEMAS_LINK}` });
/** The paging query of every SCIM list (RFC 7644 3.4.2.4). */
export const SCIM_PAGING = {
  startIndex: z.string().max(12).optional().meta({ description: "1-based; below 1 counts as 1." }),
  count: z
    .string()
    .max(12)
    .optional()
    .meta({ description: "At most 100 (the default); 0 answers only totalResults." }),
};
export const scimBody = z.unknown().meta({ description: `A SCIM 2.0 request body. ${SCHEMAS_LINK}` });
export const idParams = z.strictObject({ id: z.string().min(1).max(128) });
const projectionQuery = z.looseObject({
  attributes: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: "Only these top-level attributes (id, schemas, meta always)." }),
  excludedAttributes: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: "All but these top-level attributes." }),
});
const listQuery = z.looseObject({
  filter: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: '`eq` conditions joined by `and`, e.g. `userName eq "ada@example.com"`.' }),
  ...SCIM_PAGING,
  attributes: z.string().max(1024).optional(),
  excludedAttributes: z.string().max(1024).optional(),
});

export function scimDeps(deps: ApiDeps): ScimUsersDeps {
  return {
    users: deps.scimUsers,
    people: deps.people,
    submit: deps.submit,
    clock: deps.clock,
    settings: {
      ...(deps.settings.allowedEmailDomains
        ? { allowedEmailDomains: deps.settings.allowedEmailDomains }
        : {}),
      ...(deps.settings.callbackPorts ? { callbackPorts: deps.settings.callbackPorts } : {}),
      defaultOffice: deps.settings.scimDefaultOffice,
    },
  };
}

export const callerOf = ({ principal }: Pick<RouteInput<object>, "principal">): ScimCaller => ({
  client: principal.client,
  scopes: principal.scopes,
  massOffboardLimit: principal.massOffboardLimit,
});

const usersBase = (input: Pick<RouteInput<object>, "base">) => `${input.base}${SCIM_PATH}`;
const render = (view: ScimUserView, input: Pick<RouteInput<object>, "base">) =>
  userResource(view.user, view.person, usersBase(input));

const common = { tag: "scim", scope: "scim", fn: "api", wire: "scim" } as const;

// The `codes` of SCIM's errors are its `scimType`s.
const badUser = {
  400: {
    description: "The user cannot be taken as sent (no email address, a value our API refuses...).",
    codes: ["invalidValue", "invalidSyntax"],
  },
} as const;
const noSuchUser = {
  404: { description: "No such user (or deleted through SCIM).", codes: ["not_found"] },
} as const;
const taken = {
  409: {
    description:
      "`uniqueness`: the userName or the person is taken (a person we track already: find them by filter).",
    codes: ["uniqueness"],
  },
} as const;

export const scimListUsers = defineRoute({
  ...common,
  name: "scimListUsers",
  method: "GET",
  path: `${SCIM_PATH}/Users`,
  summary: "SCIM: list or find users",
  request: { query: listQuery },
  responses: { 200: { description: "A SCIM ListResponse of users.", schema: scimListResponse } },
  errors: {
    400: {
      description: "A filter we do not support (never an empty list).",
      codes: ["invalidFilter", "invalidValue"],
    },
  },
  handle: async (input, deps) => {
    const query = parseListQuery(input.query);
    const { total, views } = await listUsers({ filter: input.query.filter, ...query }, scimDeps(deps));
    const answer = listResponse(
      views.map((view) => render(view, input)),
      total,
      query,
    );
    return reply(200, { ...answer }, SCIM_HEADERS);
  },
});

export const scimCreateUser = defineRoute({
  ...common,
  name: "scimCreateUser",
  method: "POST",
  path: `${SCIM_PATH}/Users`,
  summary: "SCIM: create a user (an active one is onboarded)",
  request: { body: scimBody },
  responses: { 201: { description: "The user created.", schema: scimResource } },
  errors: { ...badUser, ...taken },
  handle: async (input, deps) => {
    const resource = render(await createUser(input.body, callerOf(input), scimDeps(deps)), input);
    return reply(201, resource, { ...SCIM_HEADERS, location: resource.meta.location });
  },
});

export const scimGetUser = defineRoute({
  ...common,
  name: "scimGetUser",
  method: "GET",
  path: `${SCIM_PATH}/Users/{id}`,
  summary: "SCIM: read a user",
  request: { params: idParams, query: projectionQuery },
  responses: { 200: { description: "The user.", schema: scimResource } },
  errors: noSuchUser,
  handle: async (input, deps) =>
    reply(
      200,
      project(render(await getUser(input.params.id, scimDeps(deps)), input), parseListQuery(input.query)),
      SCIM_HEADERS,
    ),
});

export const scimReplaceUser = defineRoute({
  ...common,
  name: "scimReplaceUser",
  method: "PUT",
  path: `${SCIM_PATH}/Users/{id}`,
  summary: "SCIM: replace a user (an omitted attribute is unchanged, null clears it)",
  request: { params: idParams, body: scimBody },
  responses: { 200: { description: "The user after the change.", schema: scimResource } },
  errors: { ...badUser, ...noSuchUser, ...taken },
  handle: async (input, deps) =>
    reply(
      200,
      render(await replaceUser(input.params.id, input.body, callerOf(input), scimDeps(deps)), input),
      SCIM_HEADERS,
    ),
});

export const scimPatchUser = defineRoute({
  ...common,
  name: "scimPatchUser",
  method: "PATCH",
  path: `${SCIM_PATH}/Users/{id}`,
  summary: "SCIM: change a user with PATCH operations",
  request: { params: idParams, body: scimBody },
  responses: { 200: { description: "The user after the change.", schema: scimResource } },
  errors: { ...badUser, ...noSuchUser, ...taken },
  handle: async (input, deps) => {
    const patched = await patchUser(
      input.params.id,
      input.body,
      callerOf(input),
      scimDeps(deps),
      usersBase(input),
    );
    return reply(200, render(patched, input), SCIM_HEADERS);
  },
});

export const scimDeleteUser = defineRoute({
  ...common,
  name: "scimDeleteUser",
  method: "DELETE",
  path: `${SCIM_PATH}/Users/{id}`,
  summary: "SCIM: delete a user (offboards if active; never a Dialpad deletion)",
  request: { params: idParams },
  responses: {
    204: { description: "Gone for SCIM; our record keeps its retention.", schema: z.undefined() },
  },
  handle: async (input, deps) => {
    await deleteUser(input.params.id, callerOf(input), scimDeps(deps));
    return reply(204, undefined, SCIM_HEADERS);
  },
});

// Discovery (RFC 7644 §4): what the IdPs read to learn what we serve; the wire layer's documents.
const discovery = { ...common, request: {} } as const;
const notDescribed = (what: string) => new ScimError(404, undefined, `No such ${what}.`);
const nameParams = z.strictObject({ id: z.string().min(1).max(256) });

export const scimServiceProviderConfig = defineRoute({
  ...discovery,
  name: "scimServiceProviderConfig",
  method: "GET",
  path: `${SCIM_PATH}/ServiceProviderConfig`,
  summary: "SCIM: what this service provider supports",
  responses: { 200: { description: "The ServiceProviderConfig.", schema: scimResource } },
  handle: async (input) => reply(200, serviceProviderConfig(usersBase(input)), SCIM_HEADERS),
});

export const scimResourceTypes = defineRoute({
  ...discovery,
  name: "scimResourceTypes",
  method: "GET",
  path: `${SCIM_PATH}/ResourceTypes`,
  summary: "SCIM: the resource types (User, Group)",
  responses: { 200: { description: "A ListResponse of ResourceTypes.", schema: scimListResponse } },
  handle: async (input) => reply(200, { ...resourceTypes(usersBase(input)) }, SCIM_HEADERS),
});

export const scimResourceType = defineRoute({
  ...discovery,
  name: "scimResourceType",
  method: "GET",
  path: `${SCIM_PATH}/ResourceTypes/{id}`,
  summary: "SCIM: one resource type",
  request: { params: nameParams },
  responses: { 200: { description: "The ResourceType.", schema: scimResource } },
  errors: { 404: { description: "No such resource type.", codes: ["not_found"] } },
  handle: async (input) => {
    const found = resourceType(input.params.id, usersBase(input));
    if (!found) throw notDescribed("resource type");
    return reply(200, found, SCIM_HEADERS);
  },
});

export const scimSchemas = defineRoute({
  ...discovery,
  name: "scimSchemas",
  method: "GET",
  path: `${SCIM_PATH}/Schemas`,
  summary:
    "SCIM: the schemas (core User and Group, the enterprise extension, ours): the SCIM bodies' description",
  responses: { 200: { description: "A ListResponse of Schemas.", schema: scimListResponse } },
  handle: async (input) => reply(200, { ...schemas(usersBase(input)) }, SCIM_HEADERS),
});

export const scimSchema = defineRoute({
  ...discovery,
  name: "scimSchema",
  method: "GET",
  path: `${SCIM_PATH}/Schemas/{id}`,
  summary: "SCIM: one schema, by its URN",
  request: { params: nameParams },
  responses: { 200: { description: "The Schema.", schema: scimResource } },
  errors: { 404: { description: "No such schema.", codes: ["not_found"] } },
  handle: async (input) => {
    const found = schema(input.params.id, usersBase(input));
    if (!found) throw notDescribed("schema");
    return reply(200, found, SCIM_HEADERS);
  },
});

export const SCIM_DISCOVERY_ROUTES = [
  scimServiceProviderConfig,
  scimResourceTypes,
  scimResourceType,
  scimSchemas,
  scimSchema,
] as const;

export const SCIM_USER_ROUTES = [
  scimListUsers,
  scimCreateUser,
  scimGetUser,
  scimReplaceUser,
  scimPatchUser,
  scimDeleteUser,
] as const;
