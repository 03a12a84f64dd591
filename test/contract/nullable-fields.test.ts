/**
 * Null is absent, derived from the spec: for every response object the client parses, each
 * property the vendored spec marks `nullable` must be accepted as `null` by our zod schema and come
 * out absent; and every field our schema names must exist in the spec's object (no typos, no fields
 * Dialpad does not send). A new field in a schema or a new nullable one in the spec is covered
 * without a hand-kept list.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as z from "zod";
import {
  availableLicenses,
  callCenter,
  changelogSubscription,
  department,
  dialpadUser,
  groupDetails,
  numberAssignment,
  office,
  operatorEntry,
  operators,
  page,
  webhook,
} from "../../shared/dialpad/schemas";

type Schema = { properties?: Record<string, { nullable?: boolean }>; nullable?: boolean };
const spec = JSON.parse(readFileSync(new URL("./spec/openapi.json", import.meta.url), "utf8")) as {
  components: { schemas: Record<string, Schema> };
};

/** Spec component → the schema the client parses it with, and the smallest body that schema accepts. */
const PAIRS: [string, z.ZodType, Record<string, unknown>][] = [
  ["schemas.user.UserProto", dialpadUser, { id: "5137304475768569001" }],
  ["schemas.user.GroupDetailsProto", groupDetails, {}],
  ["schemas.office.OfficeProto", office, { id: "5137304475768569001" }],
  ["schemas.plan.AvailableLicensesProto", availableLicenses, {}],
  ["schemas.group.CallCenterProto", callCenter, { id: "5137304475768569001" }],
  ["schemas.group.DepartmentProto", department, { id: "5137304475768569001" }],
  ["schemas.group.OperatorCollection", operators, {}],
  ["schemas.number.NumberProto", numberAssignment, {}],
  ["schemas.group.UserOrRoomProto", operatorEntry, {}],
  ["schemas.webhook.WebhookProto", webhook, { id: "5137304475768569001" }],
  ["schemas.change_log_event_subscription.ChangeLogEventSubscriptionProto", changelogSubscription, {}],
  ["schemas.user.UserCollection", page(dialpadUser), {}],
  ["schemas.office.OfficeCollection", page(office), {}],
  ["schemas.group.CallCenterCollection", page(callCenter), {}],
  ["schemas.group.DepartmentCollection", page(department), {}],
];

/** The object schema inside `dialpadObject` (a preprocess pipe), whose shape names our fields. */
const shapeOf = (schema: z.ZodType): Record<string, unknown> =>
  ((schema as unknown as { out?: { shape?: Record<string, unknown> } }).out?.shape ??
    (schema as unknown as { shape?: Record<string, unknown> }).shape ??
    {}) as Record<string, unknown>;

describe.each(PAIRS)("%s", (component, schema, minimal) => {
  const properties = spec.components.schemas[component]?.properties ?? {};
  // `id` is the one field we require: an object we act on without an id is a protocol fault
  // (see docs/dialpad.md, "assumed behaviour").
  const nullable = Object.entries(properties)
    .filter(([name, property]) => property.nullable === true && !(name === "id" && "id" in minimal))
    .map(([name]) => name);

  it("exists in the spec and has nullable properties", () => {
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    expect(nullable.length).toBeGreaterThan(0);
  });

  it.each(nullable)("accepts %s: null and reads it as absent", (name) => {
    const result = schema.safeParse({ ...minimal, [name]: null });
    expect(result.success ? [] : result.error.issues).toEqual([]);
    expect(result.data).not.toHaveProperty(name);
  });

  it("names no field the spec's object lacks", () => {
    const ours = Object.keys(shapeOf(schema));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((field) => !(field in properties))).toEqual([]);
  });
});
