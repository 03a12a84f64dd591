/**
 * The licence → seat-line table against the spec: it covers exactly the licences the spec lets us
 * send, maps each to a count `available_licenses` answers, and the sandbox consumes seats by the
 * same table (it has no copy of its own).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seatLineOf as sandboxSeatLineOf } from "../../local/sandbox/index";
import { LICENSES } from "../../shared/dialpad/schemas";
import { SEAT_LINE_OF_LICENSE, seatLineOf } from "../../shared/dialpad/seat-lines";

type Schema = { properties: Record<string, { enum?: string[] }> };
const schemas = (
  JSON.parse(readFileSync(new URL("./spec/openapi.json", import.meta.url), "utf8")) as {
    components: { schemas: Record<string, Schema> };
  }
).components.schemas;

describe("licence → seat line", () => {
  const specLicences = schemas["schemas.user.CreateUserMessage"]!.properties.license!.enum!;

  it("covers every licence of the spec, and only those", () => {
    expect(Object.keys(SEAT_LINE_OF_LICENSE).sort()).toEqual([...specLicences].sort());
    expect([...LICENSES].sort()).toEqual([...specLicences].sort());
    expect(schemas["schemas.user.UpdateUserMessage"]!.properties.license!.enum!.sort()).toEqual(
      [...specLicences].sort(),
    );
  });

  it.each(specLicences)(
    "%s consumes a line available_licenses counts, the same in the sandbox",
    (license) => {
      const line = seatLineOf(license as (typeof LICENSES)[number]);
      expect(Object.keys(schemas["schemas.plan.AvailableLicensesProto"]!.properties)).toContain(line);
      expect(sandboxSeatLineOf(license as (typeof LICENSES)[number])).toBe(line);
    },
  );
});
