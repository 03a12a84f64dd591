/**
 * Turns the vendored OpenAPI 3.0 spec into JSON Schema that ajv can check responses against:
 * `nullable` becomes a `null` alternative, int64 integers also accept decimal strings (Dialpad
 * sends ids as strings), zoneless `date-time` (Dialpad's style) is accepted, OpenAPI-only keywords
 * are dropped, and objects are closed (`additionalProperties: false`) so a field the spec does not
 * know (say, `email` on a user) fails the check.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

type Schema = Record<string, unknown>;
const SPEC_ID = "dialpad-openapi";
/** OpenAPI keywords with no JSON Schema meaning. */
const OPENAPI_ONLY = new Set([
  "nullable",
  "example",
  "examples",
  "xml",
  "externalDocs",
  "discriminator",
  "deprecated",
]);
const INT64_STRING = { type: "string", pattern: "^-?\\d+$" };
const DIALPAD_DATE_TIME = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?$";

const isObject = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function convertSchema(node: unknown, refPrefix = ""): unknown {
  if (Array.isArray(node)) return node.map((item) => convertSchema(item, refPrefix));
  if (!isObject(node)) return node;
  if (typeof node.$ref === "string") {
    // Siblings of $ref (type: object, description) add nothing in the spec; nullable does.
    const ref = { $ref: `${refPrefix}${node.$ref}` };
    return node.nullable ? { anyOf: [ref, { type: "null" }] } : ref;
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY.has(key)) continue;
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, convertSchema(v, refPrefix)]),
      );
    } else if (["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"].includes(key)) {
      out[key] = typeof value === "boolean" ? value : convertSchema(value, refPrefix);
    } else {
      out[key] = value;
    }
  }
  const nullable = node.nullable === true;
  if (out.type === "integer" && out.format === "int64") {
    delete out.type;
    delete out.format;
    out.anyOf = [{ type: "integer" }, INT64_STRING, ...(nullable ? [{ type: "null" }] : [])];
    return out;
  }
  if (out.type === "string" && out.format === "date-time") {
    delete out.format;
    out.pattern = DIALPAD_DATE_TIME;
  }
  if (out.type === "object" && isObject(out.properties) && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (nullable) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

export interface SpecValidator {
  /** The validator of an operation's 200 response body; throws when the spec has none. */
  response(path: string, method: string): ValidateFunction;
  /** The validator of a named component schema. */
  component(name: string): ValidateFunction;
}

export function specValidator(spec: { paths: Schema; components: { schemas: Schema } }): SpecValidator {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  // The spec's refs point into `components`: declare it so strict mode accepts the container.
  ajv.addVocabulary(["components"]);
  for (const format of ["int32", "int64", "float", "double", "byte", "binary", "password"])
    ajv.addFormat(format, true);
  const schemas = Object.fromEntries(
    Object.entries(spec.components.schemas).map(([name, schema]) => [name, convertSchema(schema)]),
  );
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
  return {
    response(path, method) {
      const operation = (spec.paths[path] as Schema | undefined)?.[method.toLowerCase()] as
        | Schema
        | undefined;
      const content = (operation?.responses as Schema | undefined)?.["200"] as Schema | undefined;
      const schema = ((content?.content as Schema | undefined)?.["application/json"] as Schema | undefined)
        ?.schema;
      if (!schema) throw new Error(`the spec has no 200 JSON response for ${method} ${path}`);
      return ajv.compile(convertSchema(schema, SPEC_ID) as Schema);
    },
    component: (name) => ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` }),
  };
}
