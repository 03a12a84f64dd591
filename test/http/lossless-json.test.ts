/**
 * Request bodies may carry int64 ids as bare JSON numbers beyond 2^53: they must survive intact.
 */
import { describe, expect, it } from "vitest";
import { parseJsonKeepingBigIntegers } from "../../shared/http/lossless-json";

describe("parseJsonKeepingBigIntegers", () => {
  it("keeps integers beyond 2^53 as exact decimal strings", () => {
    expect(parseJsonKeepingBigIntegers('{"user_id": 5137304475768569001}')).toEqual({
      user_id: "5137304475768569001",
    });
    expect(parseJsonKeepingBigIntegers("[-9007199254740993, 9007199254740991]")).toEqual([
      "-9007199254740993",
      9007199254740991,
    ]);
  });

  it("leaves safe numbers, decimals, exponents and strings alone", () => {
    expect(
      parseJsonKeepingBigIntegers(
        '{"a": 12, "b": 1.5, "c": 1e30, "d": "5137304475768569001 \\" 99999999999999999"}',
      ),
    ).toEqual({ a: 12, b: 1.5, c: 1e30, d: '5137304475768569001 " 99999999999999999' });
  });

  it("still refuses invalid JSON", () => {
    expect(() => parseJsonKeepingBigIntegers("{user_id: 1}")).toThrow();
  });
});
