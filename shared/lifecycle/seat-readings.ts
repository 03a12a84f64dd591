/**
 * Shared readings of an office's free seats (`available_licenses`), so onboardings that run together
 * do not each spend a Dialpad request on the same counts. One reading per office lives in the store,
 * shared by every container: a job takes a seat from it (an atomic decrement), and only a missing or
 * stale reading (older than `maxAgeMs`), or one that says none are left, sends a request to Dialpad.
 *
 * The reading only ever decides "go ahead": a job is told there is no seat only when Dialpad itself
 * has just said so. A reading that says zero is re-read first, and after a `no_seats` answer to a
 * create the office's reading is dropped. Dialpad's refusal of a create without seats stays the last
 * word, so a reading that counts too many costs a refused create, never a second user.
 */
import type { DialpadApi } from "../dialpad/api";

/** Free seats per seat line (`talk_lines`, `sell_lines`...), as Dialpad counted them at `readAt`. */
export interface SeatReading {
  counts: Record<string, number>;
  readAt: number;
}

export type SeatTake = { taken: true; left: number } | { taken: false };

/** Port: where the shared readings live. */
export interface SeatReadingStore {
  /** Takes one seat of `line` from the office's reading if it was read at or after `freshAfter` and has one left. */
  take(officeId: string, line: string, freshAfter: number): Promise<SeatTake>;
  /** The office's stored reading, seats taken since counted down; undefined when there is none. */
  read(officeId: string): Promise<SeatReading | undefined>;
  /** Stores a reading unless a newer one is stored already. */
  save(officeId: string, reading: SeatReading): Promise<void>;
  forget(officeId: string): Promise<void>;
}

export interface SeatClaim {
  /** Seats of the line free before this claim, as far as the service knows. */
  free: number;
  /** Where the figure came from: the shared reading, or a request to Dialpad made for this claim. */
  source: "shared" | "dialpad";
}

/** How long a reading is trusted; seats used by this service are counted down meanwhile. */
export const SEAT_READING_MAX_AGE_MS = 30_000;

export class SeatReadings {
  /** Claims of this container waiting on the same office share one Dialpad read. */
  private readonly reading = new Map<string, Promise<SeatReading>>();

  constructor(
    private readonly dialpad: Pick<DialpadApi, "getAvailableLicenses">,
    private readonly store: SeatReadingStore,
    private readonly now: () => number,
    private readonly maxAgeMs = SEAT_READING_MAX_AGE_MS,
  ) {}

  /**
   * Takes a seat of `line` in `officeId` for a job about to create a user. `free` is 0 only when a
   * Dialpad read made for this claim found none.
   */
  async claim(officeId: string, line: string): Promise<SeatClaim> {
    const shared = await this.store.take(officeId, line, this.now() - this.maxAgeMs);
    if (shared.taken) return { free: shared.left + 1, source: "shared" };
    // No fresh reading, or it says none are left: ask Dialpad (Dialpad's errors propagate).
    const fresh = await this.readDialpad(officeId);
    const free = fresh.counts[line] ?? 0;
    const taken = await this.store.take(officeId, line, fresh.readAt);
    if (taken.taken) return { free: taken.left + 1, source: "dialpad" };
    // Jobs that read together may have taken every seat of the new reading; Dialpad said there were
    // some, and its create decides.
    return { free, source: "dialpad" };
  }

  /**
   * The office's free seats as the service knows them, for the worker's office refresh (what
   * `GET /v1/offices` answers from): the shared reading while it is fresh, else a new one from
   * Dialpad (stored for the jobs too).
   */
  async current(officeId: string): Promise<SeatReading> {
    const stored = await this.store.read(officeId);
    if (stored && stored.readAt >= this.now() - this.maxAgeMs) return stored;
    return this.readDialpad(officeId);
  }

  /** After Dialpad refused a change for want of seats: the next claim reads the counts again. */
  forget(officeId: string): Promise<void> {
    return this.store.forget(officeId);
  }

  private readDialpad(officeId: string): Promise<SeatReading> {
    let pending = this.reading.get(officeId);
    if (!pending) {
      pending = this.load(officeId).finally(() => this.reading.delete(officeId));
      this.reading.set(officeId, pending);
    }
    return pending;
  }

  private async load(officeId: string): Promise<SeatReading> {
    const readAt = this.now();
    const answer = await this.dialpad.getAvailableLicenses(officeId);
    const counts: Record<string, number> = {};
    for (const [line, value] of Object.entries(answer)) {
      // Known lines arrive as numbers; others may be int64 strings.
      const count = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof count === "number" && Number.isFinite(count)) counts[line] = count;
    }
    const reading = { counts, readAt };
    await this.store.save(officeId, reading);
    return reading;
  }
}
