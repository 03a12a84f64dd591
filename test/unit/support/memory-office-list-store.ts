/** OfficeListStore in memory, with the DynamoDB adapter's contract (newer list wins, one refresh claim per window). */
import type { OfficeListStore, StoredOfficeList } from "../../../shared/lifecycle/office-seats";

export class InMemoryOfficeListStore implements OfficeListStore {
  list: StoredOfficeList | undefined;
  refreshAskedAt: number | undefined;

  async read(): Promise<StoredOfficeList | undefined> {
    return this.list && { ...this.list, offices: [...this.list.offices] };
  }

  async save(list: StoredOfficeList): Promise<void> {
    if (!this.list || this.list.readAt < list.readAt) this.list = { ...list, offices: [...list.offices] };
  }

  async claimRefresh(now: number, since: number): Promise<boolean> {
    if (this.refreshAskedAt !== undefined && this.refreshAskedAt >= since) return false;
    this.refreshAskedAt = now;
    return true;
  }
}
