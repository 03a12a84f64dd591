/**
 * The SCIM 2.0 Groups routes (scope `scim`): `/scim/v2/Groups` and `/scim/v2/Groups/{id}`. Thin:
 * read the request, call the Groups service (shared/scim/scim-groups.ts), answer the group in
 * `application/scim+json`; errors answer in SCIM's shape like every `/scim/` route.
 */
import * as z from "zod";
import { parseGroupFilter } from "../../../shared/scim/filter";
import { storedGroupDirectory } from "../../../shared/scim/group-directory";
import { scimGroupMembers } from "../../../shared/scim/group-members";
import { groupResource } from "../../../shared/scim/group-resource";
import { listResponse, parseListQuery, parseProjection, project } from "../../../shared/scim/list-query";
import type { ScimGroup } from "../../../shared/scim/scim-group-store";
import {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
  type ScimGroupsDeps,
} from "../../../shared/scim/scim-groups";
import type { ApiDeps } from "../deps";
import { defineRoute, type RouteInput, reply } from "../route";
import {
  callerOf,
  idParams,
  SCHEMAS_LINK,
  SCIM_HEADERS,
  SCIM_PAGING,
  SCIM_PATH,
  scimBody,
  scimDeps,
} from "./scim";

const scimGroup = z
  .looseObject({})
  .meta({ id: "ScimGroup", description: `A SCIM 2.0 Group. ${SCHEMAS_LINK}` });
const scimGroupList = z
  .looseObject({ totalResults: z.int(), startIndex: z.int(), itemsPerPage: z.int() })
  .meta({ id: "ScimGroupListResponse", description: `A SCIM 2.0 ListResponse of groups. ${SCHEMAS_LINK}` });
const projection = {
  attributes: z.string().max(1024).optional().meta({ description: "Only these top-level attributes." }),
  excludedAttributes: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: "All but these top-level attributes (`members`: Entra's lookup)." }),
};
const listQuery = z.looseObject({
  filter: z
    .string()
    .max(1024)
    .optional()
    .meta({ description: "`eq` on displayName (any case), externalId or id, joined by `and`." }),
  ...SCIM_PAGING,
  ...projection,
});

function groupsDeps(deps: ApiDeps): ScimGroupsDeps {
  const users = scimDeps(deps);
  return {
    groups: deps.scimGroups,
    members: scimGroupMembers(users),
    directory: () => storedGroupDirectory(deps.officeSeats),
    people: deps.people,
    submit: deps.submit,
    clock: deps.clock,
    settings: users.settings,
  };
}

const scimBase = (input: Pick<RouteInput<object>, "base">) => `${input.base}${SCIM_PATH}`;
const render = (group: ScimGroup, input: Pick<RouteInput<object>, "base">) =>
  groupResource(group, scimBase(input));

const common = { tag: "scim", scope: "scim", fn: "api", wire: "scim" } as const;
const badGroup = {
  400: {
    description: "The group cannot be taken as sent (no displayName, a member that is no user, a bad PATCH).",
    codes: ["invalidValue", "invalidSyntax", "invalidPath", "noTarget"],
  },
} as const;
const noSuchGroup = { 404: { description: "No such group.", codes: ["not_found"] } } as const;
const taken = {
  409: {
    description: "`uniqueness`: another group has this displayName; or the group changed meanwhile.",
    codes: ["uniqueness"],
  },
} as const;
const namesUnread = {
  503: {
    description: "A membership change before the office and call-center names were ever read: retry.",
    codes: ["service_unavailable"],
  },
} as const;

export const scimListGroups = defineRoute({
  ...common,
  name: "scimListGroups",
  method: "GET",
  path: `${SCIM_PATH}/Groups`,
  summary: "SCIM: list or find groups",
  request: { query: listQuery },
  responses: { 200: { description: "A SCIM ListResponse of groups.", schema: scimGroupList } },
  errors: {
    400: {
      description: "A filter we do not support (never an empty list).",
      codes: ["invalidFilter", "invalidValue"],
    },
  },
  handle: async (input, deps) => {
    const query = parseListQuery(input.query);
    const filter = input.query.filter?.trim();
    const { total, groups } = await listGroups(
      { conditions: filter ? parseGroupFilter(filter) : [], ...query },
      groupsDeps(deps),
    );
    const answer = listResponse(
      groups.map((group) => render(group, input)),
      total,
      query,
    );
    return reply(200, { ...answer }, SCIM_HEADERS);
  },
});

export const scimCreateGroup = defineRoute({
  ...common,
  name: "scimCreateGroup",
  method: "POST",
  path: `${SCIM_PATH}/Groups`,
  summary: "SCIM: create a group (an empty one changes nobody)",
  request: { body: scimBody },
  responses: { 201: { description: "The group created.", schema: scimGroup } },
  errors: { ...badGroup, ...taken, ...namesUnread },
  handle: async (input, deps) => {
    const resource = render(await createGroup(input.body, callerOf(input), groupsDeps(deps)), input);
    return reply(201, resource, { ...SCIM_HEADERS, location: resource.meta.location });
  },
});

export const scimGetGroup = defineRoute({
  ...common,
  name: "scimGetGroup",
  method: "GET",
  path: `${SCIM_PATH}/Groups/{id}`,
  summary: "SCIM: read a group",
  request: { params: idParams, query: z.looseObject(projection) },
  responses: { 200: { description: "The group.", schema: scimGroup } },
  errors: noSuchGroup,
  handle: async (input, deps) =>
    reply(
      200,
      project(render(await getGroup(input.params.id, groupsDeps(deps)), input), parseProjection(input.query)),
      SCIM_HEADERS,
    ),
});

export const scimReplaceGroup = defineRoute({
  ...common,
  name: "scimReplaceGroup",
  method: "PUT",
  path: `${SCIM_PATH}/Groups/{id}`,
  summary: "SCIM: replace a group (an omitted attribute is unchanged, null clears it)",
  request: { params: idParams, body: scimBody },
  responses: { 200: { description: "The group after the change.", schema: scimGroup } },
  errors: { ...badGroup, ...noSuchGroup, ...taken, ...namesUnread },
  handle: async (input, deps) =>
    reply(
      200,
      render(await replaceGroup(input.params.id, input.body, callerOf(input), groupsDeps(deps)), input),
      SCIM_HEADERS,
    ),
});

export const scimPatchGroup = defineRoute({
  ...common,
  name: "scimPatchGroup",
  method: "PATCH",
  path: `${SCIM_PATH}/Groups/{id}`,
  summary: "SCIM: change a group with PATCH operations (renames, members added or removed)",
  request: { params: idParams, body: scimBody },
  responses: { 200: { description: "The group after the change.", schema: scimGroup } },
  errors: { ...badGroup, ...noSuchGroup, ...taken, ...namesUnread },
  handle: async (input, deps) =>
    reply(
      200,
      render(await patchGroup(input.params.id, input.body, callerOf(input), groupsDeps(deps)), input),
      SCIM_HEADERS,
    ),
});

export const scimDeleteGroup = defineRoute({
  ...common,
  name: "scimDeleteGroup",
  method: "DELETE",
  path: `${SCIM_PATH}/Groups/{id}`,
  summary: "SCIM: delete a group (nobody is moved, suspended or removed)",
  request: { params: idParams },
  responses: { 204: { description: "The group is gone.", schema: z.undefined() } },
  errors: noSuchGroup,
  handle: async (input, deps) => {
    await deleteGroup(input.params.id, groupsDeps(deps));
    return reply(204, undefined, SCIM_HEADERS);
  },
});

export const SCIM_GROUP_ROUTES = [
  scimListGroups,
  scimCreateGroup,
  scimGetGroup,
  scimReplaceGroup,
  scimPatchGroup,
  scimDeleteGroup,
] as const;
