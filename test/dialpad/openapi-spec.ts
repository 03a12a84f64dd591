/**
 * Reads the vendored Dialpad OpenAPI 3.0 spec (test/contract/spec) for contract tests: finds the
 * operation a request hits, turns its request body / parameter schemas into JSON Schema that ajv
 * can check, and hands out the spec's example answers.
 *
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `"null"` type; `$ref`s resolve inside the
 * spec document; int64 accepts an integer or a digit string (Dialpad's own examples send ids as
 * strings, and ids above 2^53 cannot be JSON numbers); request objects get
 * `additionalProperties: false` so a field the spec does not know is caught, not silently ignored.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

const SPEC_PATH = new URL("../contract/spec/openapi.json", import.meta.url);
export const API_PREFIX = "/api/v2";

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: object;
}

interface Operation {
  parameters?: Parameter[];
  responses?: Record<
    string,
    { content?: Record<string, { examples?: Record<string, { value?: unknown }> }> }
  >;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> };
}

export interface SpecOperation {
  method: string;
  /** Spec path, e.g. `/api/v2/users/{id}`. */
  template: string;
  parameters: Parameter[];
  takesBody: boolean;
  /** What is wrong with a JSON body, undefined when it validates. */
  validateBody(body: unknown): string | undefined;
  /** What is wrong with a path or query value, undefined when it validates. */
  validateParameter(parameter: Parameter, value: string): string | undefined;
  /** The spec's own example of a 200 answer, when it has one. */
  responseExample: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "example" || key === "examples") continue;
    out[key] = key === "properties" ? mapValues(value, toJsonSchema) : toJsonSchema(value);
  }
  if (node.type === "integer" && node.format === "int64") {
    delete out.type;
    delete out.format;
    out.anyOf = [{ type: "integer" }, { type: "string", pattern: "^-?\\d+$" }];
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.anyOf !== undefined) (out.anyOf as Json[]).push({ type: "null" });
  }
  return out;
}

function mapValues(value: Json, fn: (v: Json) => Json): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

export function loadSpec() {
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Json> };
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const format of ["int32", "int64", "double", "float"]) ajv.addFormat(format, true);
  // Refs look like `#/components/schemas/X`: register the converted components under that shape.
  ajv.addSchema({ components: { schemas: toJsonSchema(spec.components.schemas as Json) } }, "spec");
  const refsIntoSpec = (schema: Json): Json =>
    JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"spec#/'));

  // Compiling every schema of the spec takes seconds; compile only what a test touches.
  const compiled = new Map<object, ValidateFunction>();
  const validator = (schema: object): ValidateFunction => {
    let validate = compiled.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(refsIntoSpec(toJsonSchema(schema as Json)) as object);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const check = (schema: object, value: unknown): string | undefined => {
    const validate = validator(schema);
    return validate(value) ? undefined : ajv.errorsText(validate.errors);
  };

  const operations: SpecOperation[] = [];
  for (const [template, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
      const examples = operation.responses?.["200"]?.content?.["application/json"]?.examples ?? {};
      operations.push({
        method: method.toUpperCase(),
        template,
        parameters: operation.parameters ?? [],
        responseExample: Object.values(examples)[0]?.value,
        takesBody: bodySchema !== undefined,
        validateBody: (body) => (bodySchema === undefined ? "takes no body" : check(bodySchema, body)),
        validateParameter: (parameter, value) =>
          check(parameter.schema ?? {}, parameterValue(parameter, value)),
      });
    }
  }

  return {
    /** The operation a request hits, matching literal segments before templated ones (`/users/me`). */
    find(
      method: string,
      path: string,
    ): { operation: SpecOperation; pathParams: Record<string, string> } | undefined {
      const candidates = operations
        .filter((op) => op.method === method)
        .map((op) => ({ operation: op, pathParams: matchTemplate(op.template, path) }))
        .filter(
          (c): c is { operation: SpecOperation; pathParams: Record<string, string> } =>
            c.pathParams !== undefined,
        )
        .sort((a, b) => Object.keys(a.pathParams).length - Object.keys(b.pathParams).length);
      return candidates[0];
    },
    /** Every method spelled for a path template, e.g. `GET /api/v2/users`. */
    operations,
  };
}

/** Parameters arrive as text: coerce what the schema says is a (non-int64) number or a boolean. */
function parameterValue(parameter: Parameter, value: string): unknown {
  const schema = (parameter.schema ?? {}) as { type?: string; format?: string };
  if (schema.type === "integer" && schema.format !== "int64") return Number(value);
  if (schema.type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
}
