/**
 * fast-check arbitraries driven by the vendored OpenAPI 3.0 spec: any body the spec allows for a
 * response schema, leaning on what breaks clients. Every optional field may be missing, every
 * nullable one `null` (the spec marks nearly all of them so), int64 values are digit strings above
 * 2^53 (as Dialpad sends ids) or small JSON integers, arrays are often empty, and objects carry
 * extra fields the spec does not name (a newer Dialpad may add some).
 *
 * One assumption the spec does not state: an object with an `id` property always carries its id
 * (we cannot act on a user or an office without one), so `id` is never missing or null here.
 */
import fc from "fast-check";

type Schema = Record<string, unknown>;

export interface SpecDocument {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
}

/** Nested `$ref`s deeper than this become null or `{}`, which the spec allows and keeps bodies small. */
const MAX_DEPTH = 4;
const TWO_TO_53 = 2n ** 53n;
const INT64_MAX = 2n ** 63n - 1n;

export const int64Arbitrary: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: TWO_TO_53 + 1n, max: INT64_MAX }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) },
);

/** Dialpad's timestamps: ISO-8601, often without a zone. */
const dateTime = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2040-01-01T00:00:00Z"), noInvalidDate: true })
  .chain((date) => fc.constantFrom(date.toISOString().slice(0, 19), date.toISOString()));

/** Field names no spec object uses, so an extra field never shadows a real one. */
const unknownFields = fc.dictionary(
  fc.stringMatching(/^x_[a-z]{1,10}$/),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
  ),
  { maxKeys: 3 },
);

export function specArbitraries(spec: SpecDocument) {
  const resolve = (ref: string): Schema => {
    const name = ref.replace("#/components/schemas/", "");
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`unknown $ref ${ref}`);
    return schema;
  };

  const build = (schema: Schema, depth: number): fc.Arbitrary<unknown> => {
    const nullable = schema.nullable === true;
    const orNull = (arbitrary: fc.Arbitrary<unknown>) =>
      nullable ? fc.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: fc.constant(null) }) : arbitrary;

    if (typeof schema.$ref === "string") {
      if (depth >= MAX_DEPTH) return fc.constant(nullable ? null : {});
      return orNull(build(resolve(schema.$ref), depth + 1));
    }
    if (Array.isArray(schema.oneOf)) {
      return orNull(fc.oneof(...(schema.oneOf as Schema[]).map((option) => build(option, depth))));
    }
    if (Array.isArray(schema.enum)) return orNull(fc.constantFrom(...(schema.enum as unknown[])));
    switch (schema.type) {
      case "integer":
        return orNull(schema.format === "int64" ? int64Arbitrary : fc.integer({ min: -1000, max: 100_000 }));
      case "number":
        return orNull(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }));
      case "boolean":
        return orNull(fc.boolean());
      case "string":
        return orNull(schema.format === "date-time" ? dateTime : fc.string({ maxLength: 12 }));
      case "array":
        return orNull(fc.array(build((schema.items as Schema) ?? {}, depth), { maxLength: 3 }));
      default:
        return orNull(object(schema, depth));
    }
  };

  const object = (schema: Schema, depth: number): fc.Arbitrary<unknown> => {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const fields = Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        name === "id" ? int64Arbitrary : build(property, depth),
      ]),
    );
    const required = "id" in properties ? ["id"] : [];
    return fc
      .tuple(fc.record(fields, { requiredKeys: required }), unknownFields)
      .map(([known, extra]) => ({ ...extra, ...known }));
  };

  return {
    /** Any 200 body the spec allows for `METHOD path` (path as in the spec: `/api/v2/users/{id}`). */
    response(method: string, path: string): fc.Arbitrary<unknown> {
      const operation = spec.paths[path]?.[method.toLowerCase()] as Schema | undefined;
      const content = (operation?.responses as Record<string, Schema> | undefined)?.["200"]?.content as
        | Record<string, Schema>
        | undefined;
      const schema = content?.["application/json"]?.schema as Schema | undefined;
      if (!schema) throw new Error(`the spec has no 200 JSON response for ${method} ${path}`);
      return build(schema, 0);
    },
    component: (name: string) => build(spec.components.schemas[name] ?? {}, 0),
  };
}
