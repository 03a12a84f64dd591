/**
 * Offices and the seats left on each licence line, for clients that forecast before a bulk run.
 * The seats are the offices' shared readings (seat-readings.ts), the same counts the jobs take
 * their seats from: a fresh reading costs no Dialpad request, a stale or missing one is read from
 * Dialpad and stored for the jobs too. The office list itself serves every request for `maxAgeMs`
 * (offices change rarely; each listing costs a Dialpad request per page), and requests that
 * arrive while it loads share it.
 */
import type { DialpadApi } from "../dialpad/api";
import type { SeatReadings } from "./seat-readings";

export interface OfficeSeats {
  office_id: string;
  name: string;
  /** Seats left per licence line (`talk_lines`, `contact_center_lines`, ...). */
  seats: Record<string, number>;
}

export const OFFICE_LIST_MAX_AGE_MS = 30_000;

type OfficeName = Pick<OfficeSeats, "office_id" | "name">;

export class OfficeSeatsDirectory {
  private cached: { offices: OfficeName[]; loadedAt: number } | undefined;
  private loading: Promise<OfficeName[]> | undefined;

  constructor(
    private readonly dialpad: Pick<DialpadApi, "listOffices">,
    private readonly seats: Pick<SeatReadings, "current">,
    private readonly maxAgeMs = OFFICE_LIST_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<OfficeSeats[]> {
    const offices = await this.offices();
    return Promise.all(
      offices.map(async (office) => ({
        ...office,
        seats: (await this.seats.current(office.office_id)).counts,
      })),
    );
  }

  private async offices(): Promise<OfficeName[]> {
    if (this.cached && this.now() - this.cached.loadedAt < this.maxAgeMs) return this.cached.offices;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<OfficeName[]> {
    const offices: OfficeName[] = [];
    for await (const office of this.dialpad.listOffices())
      offices.push({ office_id: office.id, name: office.name ?? "" });
    this.cached = { offices, loadedAt: this.now() };
    return offices;
  }
}
