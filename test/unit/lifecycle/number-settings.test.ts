/** NUMBER_PARKING_TARGET and NUMBERS_ON_DELETE: parsed once at start, a bad value names the variable. */
import { describe, expect, it } from "vitest";
import { lifecycleSettings, loadConfig } from "../../../shared/config";

describe("the delete job's number settings", () => {
  it("park in the user's office by default", () => {
    expect(loadConfig(lifecycleSettings, {})).toMatchObject({
      NUMBER_PARKING_TARGET: { to: "office" },
      NUMBERS_ON_DELETE: "park",
    });
  });

  it.each([
    ["department:123", { to: "department", id: "123" }],
    ["call_center:456", { to: "call_center", id: "456" }],
    ["office", { to: "office" }],
  ])("NUMBER_PARKING_TARGET=%s", (value, parsed) => {
    expect(loadConfig(lifecycleSettings, { NUMBER_PARKING_TARGET: value }).NUMBER_PARKING_TARGET).toEqual(
      parsed,
    );
  });

  it.each([
    { NUMBER_PARKING_TARGET: "department" },
    { NUMBER_PARKING_TARGET: "call_center:abc" },
    { NUMBER_PARKING_TARGET: "user:1" },
    { NUMBER_PARKING_TARGET: "" },
    { NUMBERS_ON_DELETE: "unassign" },
  ])("refuses %o at start", (env) => {
    const [variable] = Object.keys(env);
    expect(() => loadConfig(lifecycleSettings, env)).toThrow(new RegExp(`${variable}:`));
  });
});
