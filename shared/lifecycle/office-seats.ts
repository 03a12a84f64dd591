/**
 * Offices and the seats left on each licence line, for clients that forecast before a bulk run.
 * The seats are the offices' shared readings (seat-readings.ts), the same counts the jobs take
 * their seats from: a fresh reading costs no Dialpad request, a stale or missing one is read from
 * Dialpad and stored for the jobs too. The office list itself serves every request for `maxAgeMs`
 * (offices change rarely; each listing costs a Dialpad request per page), and requests that
 * arrive while it loads share it.
 */
import type { DialpadApi } from "../dialpad/api";
import { OfficeDirectory } from "./office-directory";
import type { SeatReadings } from "./seat-readings";

export interface OfficeSeats {
  office_id: string;
  name: string;
  /** Seats left per licence line (`talk_lines`, `contact_center_lines`, ...). */
  seats: Record<string, number>;
}

export const OFFICE_LIST_MAX_AGE_MS = 30_000;

export class OfficeSeatsDirectory {
  private readonly offices: OfficeDirectory;

  constructor(
    dialpad: Pick<DialpadApi, "listOffices">,
    private readonly seats: Pick<SeatReadings, "current">,
    maxAgeMs = OFFICE_LIST_MAX_AGE_MS,
    now: () => number = Date.now,
  ) {
    this.offices = new OfficeDirectory(dialpad, maxAgeMs, now);
  }

  async list(): Promise<OfficeSeats[]> {
    const offices = await this.offices.all();
    return Promise.all(
      offices.map(async (office) => ({
        office_id: office.id,
        name: office.name ?? "",
        seats: (await this.seats.current(office.id)).counts,
      })),
    );
  }
}
