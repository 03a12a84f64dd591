/**
 * Running a drift reconciliation. On demand (POST /v1/reconcile): `startReconciliation` stores the
 * report as running and queues it for the worker, which calls `runReconciliation`. On schedule:
 * `reconcileNow` does both in the reconciler function. Running, primary course: load the report
 * (nothing to do unless it is still running) → find the drift on the bulk lane's client → store
 * the findings → report the drifted-user count (DriftFound). A failed run is retried by the queue;
 * `failReconciliation` records the last error when retries run out.
 */
import { randomUUID } from "node:crypto";
import type { DialpadApi } from "../dialpad/api";
import { publicMessageOf } from "../lifecycle/failures";
import type { Clock } from "../lifecycle/ports";
import type { DriftReport, ReconcileReportStore, ReportTrigger } from "./drift-report";
import { findDrift, type ReconcileRecords } from "./find-drift";
import type { ReconcileQueue } from "./reconcile-message";

export interface ReportDeps {
  reports: ReconcileReportStore;
  clock: Clock;
  newReportId?: () => string;
}

export interface ReconcileDeps extends ReportDeps {
  dialpad: DialpadApi;
  records: ReconcileRecords;
  onDriftFound?: (driftedUsers: number, report: DriftReport) => void;
  concurrency?: number;
}

async function createReport(trigger: ReportTrigger, requestedBy: string | undefined, deps: ReportDeps) {
  const report: DriftReport = {
    report_id: deps.newReportId?.() ?? randomUUID(),
    status: "running",
    trigger,
    ...(requestedBy ? { requested_by: requestedBy } : {}),
    started_at: deps.clock.now().toISOString(),
  };
  await deps.reports.create(report);
  return report;
}

export async function startReconciliation(
  requestedBy: string,
  deps: ReportDeps & { queue: ReconcileQueue },
): Promise<DriftReport> {
  const report = await createReport("api", requestedBy, deps);
  await deps.queue.enqueue({ type: "reconcile", report_id: report.report_id });
  return report;
}

export async function runReconciliation(
  reportId: string,
  deps: ReconcileDeps,
): Promise<DriftReport | undefined> {
  const report = await deps.reports.get(reportId);
  if (report?.status !== "running") return undefined;
  const findings = await findDrift(deps.dialpad, deps.records, {
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
  });
  const at = deps.clock.now().toISOString();
  if (!(await deps.reports.finish(reportId, at, { status: "succeeded", findings }))) return undefined;
  const finished: DriftReport = { ...report, status: "succeeded", finished_at: at, findings };
  deps.onDriftFound?.(findings.counts.drifted_users, finished);
  return finished;
}

export async function reconcileNow(deps: ReconcileDeps): Promise<DriftReport> {
  const report = await createReport("schedule", undefined, deps);
  try {
    return (await runReconciliation(report.report_id, deps)) ?? report;
  } catch (error) {
    await failReconciliation(report.report_id, error, deps);
    throw error;
  }
}

export async function failReconciliation(reportId: string, error: unknown, deps: ReportDeps): Promise<void> {
  await deps.reports.finish(reportId, deps.clock.now().toISOString(), {
    status: "failed",
    error: { message: publicMessageOf(error).slice(0, 500) },
  });
}
