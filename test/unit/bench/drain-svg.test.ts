import { describe, expect, it } from "vitest";
import { drainBuckets, drainSvg } from "../../../bench/support/drain-svg";

describe("the drain picture's data", () => {
  it("counts requests, 429s and urgent requests per 100 ms from the first request, empty buckets kept", () => {
    const buckets = drainBuckets([
      { at: 1000, status: 200 },
      { at: 1099, status: 429 },
      { at: 1100, status: 200, urgent: true },
      { at: 1350, status: "timeout" },
    ]);
    expect(buckets).toEqual([
      { startMs: 0, requests: 2, tooManyRequests: 1, urgent: 0 },
      { startMs: 100, requests: 1, tooManyRequests: 0, urgent: 1 },
      { startMs: 200, requests: 0, tooManyRequests: 0, urgent: 0 },
      { startMs: 300, requests: 1, tooManyRequests: 0, urgent: 0 },
    ]);
  });

  it("no requests, no buckets; every request lands in exactly one bucket", () => {
    expect(drainBuckets([])).toEqual([]);
    const requests = Array.from({ length: 500 }, (_, i) => ({ at: (i * 37) % 4000, status: 200 }));
    expect(drainBuckets(requests).reduce((sum, b) => sum + b.requests, 0)).toBe(500);
  });

  it("is SVG text with the title escaped", () => {
    const svg = drainSvg({
      title: "a < b",
      budgetPerSecond: 19,
      limitPerSecond: 20,
      requests: [{ at: 0, status: 200 }],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("a &lt; b");
  });
});
