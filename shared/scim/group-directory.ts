/**
 * The office and call-center names group rules read, from the list the worker stores (the API never
 * calls Dialpad). A list older than the office listing's max age is used as it is while the worker
 * is asked to read it again (one message per window, however many ask); with no list, or one stored
 * before call centers were kept, there is none yet.
 */
import {
  OFFICE_LISTING_MAX_AGE_MS,
  type OfficeListStore,
  type OfficeRefreshQueue,
} from "../lifecycle/office-seats";
import type { GroupDirectory } from "./group-rules";

export async function storedGroupDirectory(deps: {
  offices: OfficeListStore;
  refreshes: OfficeRefreshQueue;
  now: () => number;
  maxAgeMs?: number;
}): Promise<GroupDirectory | undefined> {
  const now = deps.now();
  const maxAgeMs = deps.maxAgeMs ?? OFFICE_LISTING_MAX_AGE_MS;
  const stored = await deps.offices.read();
  const usable = stored?.callCenters !== undefined;
  if ((!usable || stored.readAt < now - maxAgeMs) && (await deps.offices.claimRefresh(now, now - maxAgeMs)))
    await deps.refreshes.enqueue({ type: "office_refresh" });
  return usable ? { offices: stored.offices, callCenters: stored.callCenters ?? [] } : undefined;
}
