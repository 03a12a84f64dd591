/**
 * Turns zod issues into the `details` of a 400 `validation_failed`: one entry per bad field with a
 * dotted path (`ticket.id`, `call_center_ids[2]`; "" is the body itself). An unknown field is
 * reported at its own path, so a typo points at the typo.
 */
import type * as z from "zod";
import { type ErrorDetail, ValidationError } from "./api-error";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue): ErrorDetail[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "Unknown field." }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** Per-parse messages where zod's ("expected string, received undefined") read poorly. */
const clearMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return "Required.";
  if (issue.expected === "object") return "Expected a JSON object.";
  return undefined;
};

/** Parses `value` with `schema`, throwing a ValidationError listing every bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: clearMessages });
  if (result.success) return result.data;
  throw new ValidationError(issuesToDetails(result.error.issues));
}
