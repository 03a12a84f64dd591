/**
 * Offices and the seats left on each licence line, for clients that forecast before a bulk run
 * (`GET /v1/offices`). The API answers from what is stored and never calls Dialpad, so the
 * internet-facing function holds no Dialpad key: the office list the worker keeps, and the offices'
 * shared seat readings (seat-readings.ts, the counts jobs take their seats from, counted down as
 * they do). When the list or a reading is missing or older than `maxAgeMs`, the API asks the worker
 * to read them again (an `office_refresh` message on the bulk lane, at most one per `maxAgeMs`
 * however many clients ask) and answers what it has, with the time of its oldest figure.
 */
import * as z from "zod";
import type { DialpadApi } from "../dialpad/api";
import type { SeatReadingStore, SeatReadings } from "./seat-readings";

export interface OfficeSeats {
  office_id: string;
  name: string;
  /** Seats left per licence line (`talk_lines`, `contact_center_lines`, ...); empty when never read. */
  seats: Record<string, number>;
  /** When Dialpad counted these seats (epoch ms); undefined when the office has no reading. */
  readAt: number | undefined;
}

export interface OfficeSeatsListing {
  offices: OfficeSeats[];
  /** The oldest figure of the answer (the list's or a reading's), epoch ms. */
  asOf: number;
  /** Something was missing or older than the listing's max age: the worker was asked to read it again. */
  refreshRequested: boolean;
}

/** The office list as the worker last read it from Dialpad. */
export interface StoredOfficeList {
  offices: { id: string; name: string }[];
  /** The call centers' names, for SCIM's call-center groups (absent in lists stored before them). */
  callCenters?: { id: string; name: string }[];
  readAt: number;
}

/** Port: the stored office list, shared by every container. */
export interface OfficeListStore {
  read(): Promise<StoredOfficeList | undefined>;
  /** Stores the list unless a newer one is stored already. */
  save(list: StoredOfficeList): Promise<void>;
  /** Notes a refresh asked at `now` unless one was asked at or after `since`; true when this call noted it. */
  claimRefresh(now: number, since: number): Promise<boolean>;
}

/** The worker message "read the offices and their seats again", on the bulk queue. */
export const officeRefreshMessage = z.object({ type: z.literal("office_refresh") });
export type OfficeRefreshMessage = z.infer<typeof officeRefreshMessage>;

export interface OfficeRefreshQueue {
  enqueue(message: OfficeRefreshMessage): Promise<void>;
}

/** How old the listing's figures may be before the worker is asked to read them again. */
export const OFFICE_LISTING_MAX_AGE_MS = 60_000;

export interface OfficeSeatsDeps {
  offices: OfficeListStore;
  seats: Pick<SeatReadingStore, "read">;
  refreshes: OfficeRefreshQueue;
  now: () => number;
  maxAgeMs?: number;
}

/**
 * The offices with their seats, from the store only; undefined when the worker has never stored
 * the office list (a refresh is then asked for).
 */
export async function listOfficeSeats(deps: OfficeSeatsDeps): Promise<OfficeSeatsListing | undefined> {
  const now = deps.now();
  const maxAgeMs = deps.maxAgeMs ?? OFFICE_LISTING_MAX_AGE_MS;
  const stored = await deps.offices.read();
  const offices = await Promise.all(
    (stored?.offices ?? []).map(async ({ id, name }): Promise<OfficeSeats> => {
      const reading = await deps.seats.read(id);
      return { office_id: id, name, seats: reading?.counts ?? {}, readAt: reading?.readAt };
    }),
  );
  const times = [stored?.readAt, ...offices.map((office) => office.readAt)];
  const known = times.filter((time): time is number => time !== undefined);
  const stale = known.length < times.length || known.some((time) => time < now - maxAgeMs);
  // One message per max age, whoever asks: a burst of listings costs the worker one refresh.
  if (stale && (await deps.offices.claimRefresh(now, now - maxAgeMs)))
    await deps.refreshes.enqueue({ type: "office_refresh" });
  if (!stored) return undefined;
  return { offices, asOf: Math.min(...known), refreshRequested: stale };
}

/**
 * The worker's side of a refresh, on the bulk lane: lists the offices and the call centers (their
 * names make SCIM groups office or call-center groups), reads each office's seats
 * unless its reading is fresh (stored for the jobs too), and only then stores the list, so a listing
 * never shows a new office before its seats.
 */
export async function refreshOfficeSeats(deps: {
  dialpad: Pick<DialpadApi, "listOffices" | "listCallCenters">;
  offices: OfficeListStore;
  seats: Pick<SeatReadings, "current">;
  now: () => number;
}): Promise<void> {
  const readAt = deps.now();
  const offices: StoredOfficeList["offices"] = [];
  for await (const office of deps.dialpad.listOffices())
    offices.push({ id: office.id, name: office.name ?? "" });
  const callCenters: NonNullable<StoredOfficeList["callCenters"]> = [];
  for await (const callCenter of deps.dialpad.listCallCenters())
    callCenters.push({ id: callCenter.id, name: callCenter.name ?? "" });
  await Promise.all(offices.map((office) => deps.seats.current(office.id)));
  await deps.offices.save({ offices, callCenters, readAt });
}
