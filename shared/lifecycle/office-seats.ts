/**
 * Offices and the seats left on each licence line, for clients that forecast before a bulk run.
 * One listing serves every request for `maxAgeMs` (a forecast tolerates seconds-old figures; each
 * listing costs 1 + one request per office of the company's Dialpad budget), and requests that
 * arrive while it loads share it.
 */
import type { DialpadApi } from "../dialpad/api";

export interface OfficeSeats {
  office_id: string;
  name: string;
  /** Seats left per licence line (`talk_lines`, `contact_center_lines`, ...). */
  seats: Record<string, number>;
}

export const OFFICE_SEATS_MAX_AGE_MS = 30_000;

export class OfficeSeatsDirectory {
  private cached: { offices: OfficeSeats[]; loadedAt: number } | undefined;
  private loading: Promise<OfficeSeats[]> | undefined;

  constructor(
    private readonly dialpad: Pick<DialpadApi, "listOffices" | "getAvailableLicenses">,
    private readonly maxAgeMs = OFFICE_SEATS_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<OfficeSeats[]> {
    if (this.cached && this.now() - this.cached.loadedAt < this.maxAgeMs) return this.cached.offices;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<OfficeSeats[]> {
    const offices: OfficeSeats[] = [];
    for await (const office of this.dialpad.listOffices()) {
      const licenses = await this.dialpad.getAvailableLicenses(office.id);
      const seats = Object.fromEntries(
        Object.entries(licenses).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
      );
      offices.push({ office_id: office.id, name: office.name ?? "", seats });
    }
    this.cached = { offices, loadedAt: this.now() };
    return offices;
  }
}
