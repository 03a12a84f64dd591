/**
 * Resolves an office name to its id. The office list changes rarely and listing it costs Dialpad
 * requests from the shared budget, so each container keeps it for a few minutes.
 */
import type { DialpadApi } from "../dialpad/api";
import type { Office } from "../dialpad/schemas";

export class OfficeDirectory {
  private cached: { offices: Office[]; loadedAt: number } | undefined;
  private loading: Promise<Office[]> | undefined;

  constructor(
    private readonly dialpad: Pick<DialpadApi, "listOffices">,
    private readonly maxAgeMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The office whose name matches exactly (Dialpad's SCIM connector matches the same way). */
  async findByName(name: string): Promise<Office | undefined> {
    const found = (await this.list(false)).find((office) => office.name === name);
    // A miss may be an office created since we cached the list: look once more before failing.
    return found ?? (await this.list(true)).find((office) => office.name === name);
  }

  /** Every office, from the kept list while it is younger than `maxAgeMs`. */
  all(): Promise<Office[]> {
    return this.list(false);
  }

  private async list(fresh: boolean): Promise<Office[]> {
    if (!fresh && this.cached && this.now() - this.cached.loadedAt < this.maxAgeMs)
      return this.cached.offices;
    // Jobs that start together share one listing instead of each spending requests on it.
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Office[]> {
    const offices: Office[] = [];
    for await (const office of this.dialpad.listOffices()) offices.push(office);
    this.cached = { offices, loadedAt: this.now() };
    return offices;
  }
}
