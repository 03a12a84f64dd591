/** The mass-change guard's counter in memory, with the DynamoDB adapter's contract (store-contract.ts). */
import {
  type MassChangeCounter,
  type OffboardWindow,
  type WindowCount,
  windowAfterAdding,
} from "../../../shared/lifecycle/mass-change-guard";

export class InMemoryMassChangeCounter implements MassChangeCounter {
  private readonly windows = new Map<string, OffboardWindow>();

  async add(
    client: string,
    entry: string,
    atMs: number,
    windowMs: number,
    keep: number,
  ): Promise<WindowCount> {
    const next = windowAfterAdding(this.windows.get(client) ?? {}, entry, atMs, windowMs, keep);
    if (next.added) this.windows.set(client, next.recent);
    return { count: Object.keys(next.recent).length, added: next.added };
  }

  async remove(client: string, entry: string): Promise<void> {
    const window = this.windows.get(client);
    if (window) delete window[entry];
  }
}
