import { describe, expect, it } from "vitest";
import { firstSecondReaching } from "../../../bench/neighbour";

describe("bench: time to recover after the neighbour stops", () => {
  it("answers the first arrival from `fromMs` on whose sliding second holds the count, arrivals before it included", () => {
    const slow = Array.from({ length: 10 }, (_, i) => i * 200); // 5/s
    const fast = Array.from({ length: 30 }, (_, i) => 2000 + i * 50); // 20/s
    expect(firstSecondReaching([...fast, ...slow], 1000, 18)).toBe(2000 + 17 * 50 + 0 * 50);
    expect(firstSecondReaching(slow, 0, 6)).toBeNaN();
    expect(firstSecondReaching(fast, 2500, 5)).toBe(2500);
  });
});
