import { describe, expect, it } from "vitest";
import { ConfigError, dialpadSettings, loadConfig } from "../../../shared/config";

describe("DIALPAD_RATE_LIMIT_RPS", () => {
  it("defaults to 15 and accepts up to 19", () => {
    expect(loadConfig(dialpadSettings, {}).DIALPAD_RATE_LIMIT_RPS).toBe(15);
    expect(loadConfig(dialpadSettings, { DIALPAD_RATE_LIMIT_RPS: "19" }).DIALPAD_RATE_LIMIT_RPS).toBe(19);
    expect(loadConfig(dialpadSettings, { DIALPAD_RATE_LIMIT_RPS: "2.5" }).DIALPAD_RATE_LIMIT_RPS).toBe(2.5);
  });

  it("refuses 20 and more, saying why: one request of slack for the network's jitter", () => {
    for (const value of ["20", "25"]) {
      expect(() => loadConfig(dialpadSettings, { DIALPAD_RATE_LIMIT_RPS: value })).toThrow(ConfigError);
      expect(() => loadConfig(dialpadSettings, { DIALPAD_RATE_LIMIT_RPS: value })).toThrow(
        /DIALPAD_RATE_LIMIT_RPS: At most 19: .*jitter/,
      );
    }
  });

  it("refuses a budget that is not a positive number", () => {
    for (const value of ["0", "-3", "fast"])
      expect(() => loadConfig(dialpadSettings, { DIALPAD_RATE_LIMIT_RPS: value })).toThrow(
        /DIALPAD_RATE_LIMIT_RPS/,
      );
  });
});
