/** The API function over a memory service: routes, validation and error answers with no engine. */
import { type ApiDeps, type ApiHandler, createApi } from "../../../functions/api/api";
import type { OfficeRefreshMessage, OfficeSeatsDeps } from "../../../shared/lifecycle/office-seats";
import type { ReconcileReportStore } from "../../../shared/reconcile/drift-report";
import type { ScimGroupStore } from "../../../shared/scim/scim-group-store";
import { InMemoryOfficeListStore } from "./memory-office-list-store";
import { InMemoryScimGroupStore } from "./memory-scim-group-store";
import type { memoryService } from "./memory-service";

type MemoryService = ReturnType<typeof memoryService>;

/** The API's office listing over the service's seat readings, recording the refreshes it asks for. */
export function memoryOfficeSeats(service: MemoryService) {
  const refreshesAsked: OfficeRefreshMessage[] = [];
  const deps = {
    offices: new InMemoryOfficeListStore(),
    seats: service.seatStore,
    refreshes: { enqueue: async (message: OfficeRefreshMessage) => void refreshesAsked.push(message) },
    now: () => service.clock.now().getTime(),
  } satisfies OfficeSeatsDeps;
  return { deps, refreshesAsked };
}

export function memoryApi(
  service: MemoryService,
  settings: Partial<ApiDeps["settings"]> = {},
  officeSeats: OfficeSeatsDeps = memoryOfficeSeats(service).deps,
  scimGroups: ScimGroupStore = new InMemoryScimGroupStore(),
): ApiHandler {
  return createApi({
    submit: service.submit,
    jobs: service.jobs,
    people: service.people,
    scimUsers: service.people,
    scimGroups,
    clock: service.clock,
    // The drift-report routes are tested over the real store; nothing here reaches them.
    reports: {} as ReconcileReportStore,
    reconcileQueue: { enqueue: async () => {} },
    officeSeats,
    settings: { retentionDays: service.settings.retentionDays, ...settings },
  });
}
