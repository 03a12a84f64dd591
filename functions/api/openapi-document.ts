/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table: each route's zod
 * schemas become JSON Schema 2020-12 (zod's own `z.toJSONSchema`; requests as clients send them,
 * answers as we produce them), schemas with a `meta` id become named components, and every error
 * answer a route can give is listed with its codes. Served at `GET /v1/openapi.json` and committed
 * as docs/openapi.json (`npm run openapi`), so a route added to ROUTES is documented by itself.
 */
import * as z from "zod";
import { SCOPE_POWERS, SCOPES } from "../../shared/auth/scopes";
import type { ErrorResponse, Route } from "./route";
import { errorSchema, JOB_KIND_COMPONENT, scimErrorSchema } from "./schemas";

type JsonSchema = Record<string, unknown>;
type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

const OPENAPI_VERSION = "3.1.0";
const COMPONENT_PREFIX = "#/components/schemas/";

/** What every answer of a status means, whatever the route. */
const STATUS_MEANING: Record<ErrorStatus, string> = {
  400: "Invalid request: `details` lists each bad field with its path.",
  401: "No bearer token, or one we do not know.",
  403: "The client lacks a scope this request needs.",
  404: "Not found.",
  409: "Conflicts with an earlier request or the current state.",
  413: "Request body too large.",
  415: "The body is not JSON.",
  429: "The client sends faster than it may; retry later.",
  500: "Unexpected error; nothing internal is shown. Retry later.",
  503: "Briefly unavailable (a store or queue throttled or failing), or not ready yet; retry after `retry-after` seconds with the same idempotency key.",
};

export interface OpenApiOptions {
  /** The job kinds the `JobKind` component lists; default: the service's own (shared/lifecycle/job-kinds.ts). */
  jobKinds?: readonly string[];
}

export function openApiDocument(
  routes: readonly Route[],
  options: OpenApiOptions = {},
): Record<string, unknown> {
  const components = new ComponentCollector();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operation(route, components);
    paths[route.path] = operations;
  }
  const jobKind = components.schemas[JOB_KIND_COMPONENT];
  if (jobKind && options.jobKinds)
    components.schemas[JOB_KIND_COMPONENT] = { ...jobKind, enum: [...options.jobKinds] };
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: "dialpad-lifecycle",
      version: "1",
      description:
        "Onboard, update and offboard Dialpad users from ticketing systems. Job-creating routes answer 202 at once; poll the job or list jobs. Errors always have the shape of the Error schema.",
    },
    servers: [
      {
        url: "{base}",
        description:
          "The API's base: the stack's ApiUrl without `/v1/`, or http://127.0.0.1:3000 in local mode.",
        variables: { base: { default: "http://127.0.0.1:3000" } },
      },
    ],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: `A client token. Each operation lists the scope it needs:\n${SCOPES.map((scope) => `- \`${scope}\`: ${SCOPE_POWERS[scope]}`).join("\n")}`,
        },
      },
    },
  };
}

/** The committed form (docs/openapi.json): indented, newline-ended, so diffs read well. */
export const openApiJson = (routes: readonly Route[]) =>
  `${JSON.stringify(openApiDocument(routes), null, 2)}\n`;

function operation(route: Route, components: ComponentCollector): Record<string, unknown> {
  const { request } = route;
  // SCIM's routes speak application/scim+json and answer errors in SCIM's shape.
  const mediaType = route.wire === "scim" ? "application/scim+json" : "application/json";
  const parameters = [
    ...objectParameters(request.params, "path", components),
    ...objectParameters(request.query, "query", components),
    ...Object.entries(request.headers ?? {}).map(([name, header]) => ({
      name,
      in: "header",
      required: !header.schema.safeParse(undefined).success,
      description: header.description,
      schema: components.schema(header.schema, "input"),
    })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, description]) => [
                name,
                { description, schema: { type: "string" } },
              ]),
            ),
          }
        : {}),
      ...(Number(status) === 204
        ? {}
        : {
            content: {
              [mediaType]: {
                schema: components.schema(response.schema, "output"),
                ...(response.example !== undefined ? { example: response.example } : {}),
              },
            },
          }),
    };
  }
  for (const [status, error] of errorResponses(route)) {
    responses[String(status)] = {
      description: `${error.description} Codes: ${error.codes.map((code) => `\`${code}\``).join(", ")}.`,
      content:
        route.wire === "scim"
          ? {
              [mediaType]: {
                schema: components.schema(scimErrorSchema, "output"),
                example: {
                  schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
                  status: String(status),
                  detail: STATUS_MEANING[status],
                },
              },
            }
          : {
              "application/json": {
                schema: components.schema(errorSchema, "output"),
                example: { error: { code: error.codes[0], message: STATUS_MEANING[status] } },
              },
            },
    };
  }
  return {
    operationId: route.name,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.scope ? [{ bearer: [route.scope] }] : [],
    ...(route.scope ? { "x-required-scope": route.scope } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(request.body
      ? {
          requestBody: {
            required: request.bodyOptional !== true,
            content: {
              [mediaType]: {
                schema: components.schema(request.body, "input"),
                ...(request.example !== undefined ? { example: request.example } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** Every error answer the route can give: the edge's and the dispatcher's, then its own codes. */
function errorResponses(route: Route): [ErrorStatus, ErrorResponse][] {
  const { request } = route;
  const validated = request.params || request.query || request.body;
  const standard: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  if (validated) {
    standard[400] = {
      description: STATUS_MEANING[400],
      codes: [
        "validation_failed",
        ...(request.body ? ["invalid_json"] : []),
        ...(request.params ? ["invalid_path"] : []),
      ],
    };
  }
  if (route.scope) {
    standard[401] = { description: STATUS_MEANING[401], codes: ["unauthorized"] };
    standard[403] = { description: STATUS_MEANING[403], codes: ["forbidden"] };
  }
  if (request.body) {
    standard[413] = { description: STATUS_MEANING[413], codes: ["payload_too_large"] };
    standard[415] = { description: STATUS_MEANING[415], codes: ["unsupported_media_type"] };
  }
  standard[429] = { description: STATUS_MEANING[429], codes: ["throttled"] };
  standard[500] = { description: STATUS_MEANING[500], codes: ["internal_error"] };
  standard[503] = { description: STATUS_MEANING[503], codes: ["service_unavailable"] };
  for (const [key, own] of Object.entries(route.errors ?? {})) {
    const status = Number(key) as ErrorStatus;
    const base = standard[status];
    standard[status] = {
      description: own.description,
      codes: [...new Set([...(base?.codes ?? []), ...own.codes])],
    };
  }
  return (Object.entries(standard) as [string, ErrorResponse][])
    .map(([status, error]): [ErrorStatus, ErrorResponse] => [Number(status) as ErrorStatus, error])
    .sort(([a], [b]) => a - b);
}

/** One OpenAPI parameter per property of a path or query object schema. */
function objectParameters(
  schema: z.ZodType | undefined,
  location: "path" | "query",
  components: ComponentCollector,
): Record<string, unknown>[] {
  if (!schema) return [];
  const json = components.schema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * Converts zod schemas and gathers the named ones (`meta({id})`) as components, so Job, Person
 * and Error are described once and referenced everywhere.
 */
class ComponentCollector {
  readonly schemas: Record<string, JsonSchema> = {};

  schema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      // Transforms (ids given as numbers become strings) have no JSON Schema: their input is open.
      unrepresentable: "any",
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = converted;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.schemas[name] = relink(definition) as JsonSchema;
    }
    const id = typeof root.id === "string" ? root.id : undefined;
    if (id) {
      const { id: _id, ...named } = root;
      this.schemas[id] = relink(named) as JsonSchema;
      return { $ref: `${COMPONENT_PREFIX}${id}` };
    }
    return relink(root) as JsonSchema;
  }
}

/** `#/$defs/Name` → `#/components/schemas/Name`, everywhere in a converted schema. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string"
        ? inner.replace(/^#\/\$defs\//, COMPONENT_PREFIX)
        : relink(inner),
    ]),
  );
}
