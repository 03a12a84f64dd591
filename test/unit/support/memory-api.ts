/** The API function over a memory service: routes, validation and error answers with no engine. */
import { type ApiDeps, type ApiHandler, createApi } from "../../../functions/api/api";
import type { ReconcileReportStore } from "../../../shared/reconcile/drift-report";
import type { memoryService } from "./memory-service";

type MemoryService = ReturnType<typeof memoryService>;

export function memoryApi(
  service: MemoryService,
  settings: Partial<ApiDeps["settings"]> = {},
  offices?: ApiDeps["offices"],
): ApiHandler {
  return createApi({
    submit: service.submit,
    jobs: service.jobs,
    people: service.people,
    clock: service.clock,
    // The drift-report routes are tested over the real store; nothing here reaches them.
    reports: {} as ReconcileReportStore,
    reconcileQueue: { enqueue: async () => {} },
    offices:
      offices ??
      (() => {
        throw new Error("this test lists no offices");
      }),
    settings: { retentionDays: service.settings.retentionDays, ...settings },
  });
}
