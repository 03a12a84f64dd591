/** Back-off windows and `Retry-After` parsing, without any HTTP. */
import { describe, expect, it } from "vitest";
import { backoffDelayMs, parseRetryAfterMs } from "../../shared/dialpad/retry-policy";

describe("parseRetryAfterMs", () => {
  const now = Date.UTC(2026, 2, 1, 9, 30, 0);

  it("reads delta-seconds, fractions included", () => {
    expect(parseRetryAfterMs("0", now)).toBe(0);
    expect(parseRetryAfterMs(" 5 ", now)).toBe(5000);
    expect(parseRetryAfterMs("1.5", now)).toBe(1500);
  });

  it("reads an HTTP date relative to now, a past date meaning now", () => {
    expect(parseRetryAfterMs(new Date(now + 12_000).toUTCString(), now)).toBe(12_000);
    expect(parseRetryAfterMs("Sun, 01 Mar 2026 09:29:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs("", now)).toBeUndefined();
    expect(parseRetryAfterMs("-3", now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  it("draws within [0, min(max, base * 2^retry))", () => {
    const settings = (random: number) => ({ baseDelayMs: 200, maxDelayMs: 10_000, random: () => random });
    expect([0, 1, 2, 3, 10].map((retry) => backoffDelayMs(retry, settings(0)))).toEqual([0, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 10].map((retry) => backoffDelayMs(retry, settings(0.999_999)))).toEqual([
      199, 399, 799, 1599, 9999,
    ]);
  });
});
