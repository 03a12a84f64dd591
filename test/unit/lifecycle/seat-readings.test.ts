/**
 * Shared seat readings over the in-memory store (test/unit/support), and a Dialpad
 * stand-in whose seat counts the test changes (other admins use and free seats meanwhile).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AvailableLicenses } from "../../../shared/dialpad/schemas";
import { SEAT_READING_MAX_AGE_MS, SeatReadings } from "../../../shared/lifecycle/seat-readings";
import { InMemorySeatReadingStore } from "../support/memory-seat-store";

/** Dialpad's seat counts per office; each read is counted, and remembered with what it answered. */
class SeatCounts {
  readonly seats = new Map<string, number>();
  readonly reads: { officeId: string; talkLines: number }[] = [];

  async getAvailableLicenses(officeId: string): Promise<AvailableLicenses> {
    const talkLines = this.seats.get(officeId) ?? 0;
    this.reads.push({ officeId, talkLines });
    await Promise.resolve(); // an answer comes back later, as over HTTP
    // A line the schema does not know yet may come as an int64 string.
    const answer: AvailableLicenses = { talk_lines: talkLines, sell_lines: 3, future_lines: "2" };
    return answer;
  }
}

function setUp(talkLines: number) {
  let now = 1_764_000_000_000;
  const dialpad = new SeatCounts();
  dialpad.seats.set("office-1", talkLines);
  const store = new InMemorySeatReadingStore();
  const readings = new SeatReadings(dialpad, store, () => now);
  return { dialpad, store, readings, advance: (ms: number) => (now += ms) };
}

describe("shared seat readings", () => {
  it("onboardings that start together share one Dialpad read and count the seats down", async () => {
    const { dialpad, store, readings } = setUp(100);
    const claims = await Promise.all(
      Array.from({ length: 40 }, () => readings.claim("office-1", "talk_lines")),
    );
    expect(dialpad.reads).toHaveLength(1);
    expect(claims.every((claim) => claim.free > 0)).toBe(true);
    expect(claims.filter((claim) => claim.source === "dialpad").length).toBeGreaterThan(0);
    expect(store.readings.get("office-1")?.counts.talk_lines).toBe(60);
    const later = await readings.claim("office-1", "talk_lines");
    expect(later).toEqual({ free: 60, source: "shared" });
    expect(dialpad.reads).toHaveLength(1);
  });

  it("reads the counts again once the reading is older than the refresh interval", async () => {
    const { dialpad, readings, advance } = setUp(10);
    await readings.claim("office-1", "talk_lines");
    advance(SEAT_READING_MAX_AGE_MS - 1);
    await readings.claim("office-1", "talk_lines");
    expect(dialpad.reads).toHaveLength(1);
    advance(2);
    dialpad.seats.set("office-1", 4); // seats used outside this service meanwhile
    expect(await readings.claim("office-1", "talk_lines")).toEqual({ free: 4, source: "dialpad" });
    expect(dialpad.reads).toHaveLength(2);
  });

  it("a shared reading that says zero is read again before any job is told there is no seat", async () => {
    const { dialpad, readings } = setUp(1);
    expect((await readings.claim("office-1", "talk_lines")).free).toBe(1);
    dialpad.seats.set("office-1", 3); // an admin bought seats
    expect(await readings.claim("office-1", "talk_lines")).toEqual({ free: 3, source: "dialpad" });
    dialpad.seats.set("office-1", 0);
    await readings.forget("office-1"); // Dialpad refused a create for want of seats
    expect(await readings.claim("office-1", "talk_lines")).toEqual({ free: 0, source: "dialpad" });
    expect(dialpad.reads.map((read) => read.talkLines)).toEqual([1, 3, 0]);
  });

  it("keeps each line's count apart, and reads int64 strings as numbers", async () => {
    const { readings, store } = setUp(5);
    expect(await readings.claim("office-1", "sell_lines")).toEqual({ free: 3, source: "dialpad" });
    expect(store.readings.get("office-1")?.counts).toEqual({ talk_lines: 5, sell_lines: 2, future_lines: 2 });
    expect(await readings.claim("office-1", "future_lines")).toEqual({ free: 2, source: "shared" });
    expect(await readings.claim("office-1", "fax_lines")).toEqual({ free: 0, source: "dialpad" });
  });

  it("never answers no seat unless Dialpad, asked for that claim, counted none", async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("claims" as const), count: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant("seats" as const), count: fc.integer({ min: 0, max: 6 }) }),
      fc.record({
        kind: fc.constant("wait" as const),
        ms: fc.integer({ min: 0, max: 2 * SEAT_READING_MAX_AGE_MS }),
      }),
      fc.constant({ kind: "refused" as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(step, { maxLength: 40 }),
        async (initial, steps) => {
          const { dialpad, readings, advance } = setUp(initial);
          for (const s of steps) {
            if (s.kind === "seats") dialpad.seats.set("office-1", s.count);
            else if (s.kind === "wait") advance(s.ms);
            else if (s.kind === "refused") await readings.forget("office-1");
            else {
              const readsBefore = dialpad.reads.length;
              const claims = await Promise.all(
                Array.from({ length: s.count }, () => readings.claim("office-1", "talk_lines")),
              );
              for (const claim of claims.filter((c) => c.free === 0)) {
                expect(claim.source).toBe("dialpad");
                const readsForThese = dialpad.reads.slice(readsBefore);
                expect(readsForThese.length).toBeGreaterThan(0);
                expect(readsForThese.some((read) => read.talkLines === 0)).toBe(true);
              }
            }
          }
        },
      ),
    );
  });

  it("a forecast reads the shared reading while it is fresh, and Dialpad (stored for the jobs) when not", async () => {
    const { dialpad, store, readings, advance } = setUp(10);
    const first = await readings.current("office-1");
    expect(first.counts.talk_lines).toBe(10);
    expect(dialpad.reads).toHaveLength(1);
    expect(store.readings.has("office-1")).toBe(true);
    await readings.claim("office-1", "talk_lines");
    expect((await readings.current("office-1")).counts.talk_lines).toBe(9);
    expect(dialpad.reads).toHaveLength(1);
    advance(SEAT_READING_MAX_AGE_MS + 1);
    dialpad.seats.set("office-1", 7);
    expect((await readings.current("office-1")).counts.talk_lines).toBe(7);
    expect(dialpad.reads).toHaveLength(2);
  });
});
