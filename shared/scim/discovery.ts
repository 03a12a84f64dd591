/**
 * SCIM's discovery resources (RFC 7644 §4, RFC 7643 §5-7), what IdPs read to learn what we serve:
 * `/ServiceProviderConfig` (PATCH and filters yes, at most 100 results; bulk, sort, ETags and
 * password changes no), `/ResourceTypes` (User with the enterprise extension and ours, Group) and
 * `/Schemas` (scimmy's core User, Group and enterprise definitions, and ours). `base` is where the
 * resources live (e.g. `https://host/prod/scim/v2`), for `meta.location`.
 */
import { type ListResponse, MAX_RESULTS, SCIM_LIST_SCHEMA } from "./list-query";
import {
  DIALPAD_USER_DEFINITION,
  DIALPAD_USER_SCHEMA,
  ENTERPRISE_USER_DEFINITION,
  ENTERPRISE_USER_SCHEMA,
  GROUP_DEFINITION,
  GROUP_SCHEMA,
  USER_DEFINITION,
  USER_SCHEMA,
} from "./schemas";

const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

type Json = Record<string, unknown>;

export function serviceProviderConfig(base: string): Json {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A client token with the scim scope, sent as Authorization: Bearer <token>.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

const RESOURCE_TYPES = [
  {
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "A person whose Dialpad lifecycle the IdP drives.",
    schema: USER_SCHEMA,
    schemaExtensions: [
      { schema: ENTERPRISE_USER_SCHEMA, required: false },
      { schema: DIALPAD_USER_SCHEMA, required: false },
    ],
  },
  {
    id: "Group",
    name: "Group",
    endpoint: "/Groups",
    description: "A group; one named like a Dialpad office or call center places its members there.",
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
  },
] as const;

/** One resource type by its id (`User`, `Group`, case-insensitively), or undefined. */
export function resourceType(id: string, base: string): Json | undefined {
  const type = RESOURCE_TYPES.find((t) => t.id.toLowerCase() === id.toLowerCase());
  return (
    type && {
      schemas: [RESOURCE_TYPE_SCHEMA],
      ...type,
      schemaExtensions: [...type.schemaExtensions],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/${type.id}` },
    }
  );
}

export function resourceTypes(base: string): ListResponse<Json> {
  return listOf(RESOURCE_TYPES.map((t) => resourceType(t.id, base) as Json));
}

const DEFINITIONS = [USER_DEFINITION, GROUP_DEFINITION, ENTERPRISE_USER_DEFINITION, DIALPAD_USER_DEFINITION];

/** One schema by its URN (case-insensitively), or undefined. */
export function schema(id: string, base: string): Json | undefined {
  const definition = DEFINITIONS.find((d) => d.id.toLowerCase() === id.toLowerCase());
  return definition && (definition.describe(`${base}/Schemas`) as unknown as Json);
}

export function schemas(base: string): ListResponse<Json> {
  return listOf(DEFINITIONS.map((d) => d.describe(`${base}/Schemas`) as unknown as Json));
}

function listOf(resources: Json[]): ListResponse<Json> {
  return {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
