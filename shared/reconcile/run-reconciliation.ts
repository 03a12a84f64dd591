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

/**
 * How long the "a reconciliation runs" marker holds if its run never releases it (a crash): past
 * this a new run may start. Longer than a run's retries take (minutes per thousand users).
 */
const RECONCILE_MARKER_TTL_MS = 60 * 60_000;

/**
 * Creates a running report, unless a reconciliation already runs: then answers that one
 * (`started: false`). One full pass over every Dialpad user at a time, however often it is asked.
 */
async function createReport(
  trigger: ReportTrigger,
  requestedBy: string | undefined,
  deps: ReportDeps,
): Promise<{ report: DriftReport; started: boolean }> {
  const report: DriftReport = {
    report_id: deps.newReportId?.() ?? randomUUID(),
    status: "running",
    trigger,
    ...(requestedBy ? { requested_by: requestedBy } : {}),
    started_at: deps.clock.now().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    const outcome = await deps.reports.createExclusive(report, RECONCILE_MARKER_TTL_MS);
    if ("created" in outcome) return { report, started: true };
    const running = await deps.reports.get(outcome.runningReportId);
    if (!running) throw new Error(`the running reconciliation ${outcome.runningReportId} has no report`);
    // A run ends its report before it frees the marker: one that ended (or died in between)
    // no longer holds the marker, so free it and take it.
    if (running.status === "running" || attempt > 0) return { report: running, started: false };
    await deps.reports.releaseRunning(running.report_id);
  }
}

/** POST /v1/reconcile: a new run queued for the worker, or the run already going. */
export async function startReconciliation(
  requestedBy: string,
  deps: ReportDeps & { queue: ReconcileQueue },
): Promise<{ report: DriftReport; started: boolean }> {
  const created = await createReport("api", requestedBy, deps);
  if (created.started) await deps.queue.enqueue({ type: "reconcile", report_id: created.report.report_id });
  return created;
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
  const finished = await deps.reports.finish(reportId, at, { status: "succeeded", findings });
  await deps.reports.releaseRunning(reportId);
  if (!finished) return undefined;
  const done: DriftReport = { ...report, status: "succeeded", finished_at: at, findings };
  deps.onDriftFound?.(findings.counts.drifted_users, done);
  return done;
}

/**
 * One delivery of an on-demand run's queue message: a failure is retried by the queue, and the last
 * allowed receive records the report as failed before the message goes on to the DLQ.
 */
export async function runQueuedReconciliation(
  reportId: string,
  delivery: { receiveCount: number; maxReceives: number },
  deps: ReconcileDeps,
): Promise<void> {
  try {
    await runReconciliation(reportId, deps);
  } catch (error) {
    if (delivery.receiveCount >= delivery.maxReceives) await failReconciliation(reportId, error, deps);
    throw error;
  }
}

/** The scheduled run, here and now; when one already runs (on demand), that one is answered. */
export async function reconcileNow(deps: ReconcileDeps): Promise<DriftReport> {
  const { report, started } = await createReport("schedule", undefined, deps);
  if (!started) return report;
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
  await deps.reports.releaseRunning(reportId);
}
