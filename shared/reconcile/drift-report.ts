/**
 * A drift reconciliation report: what differs between Dialpad and our records, stored as one
 * RECON#<report_id> item. Counts are always complete; the lists keep at most MAX_LISTED entries per
 * kind (a DynamoDB item holds 400 KB), with `truncated` saying when some were left out.
 */
import type { PersonState } from "../lifecycle/model";

export const MAX_LISTED = 200;

export type ReportStatus = "running" | "succeeded" | "failed";
export type ReportTrigger = "schedule" | "api";

/** One drifted user: its Dialpad side and, when we have one, our record's side. */
export interface DriftEntry {
  user_id: string;
  email?: string;
  dialpad_state: string;
  record_state?: PersonState;
  delete_after?: string;
}

export interface DriftCounts {
  /** Users Dialpad listed as not deleted. */
  dialpad_users: number;
  /** Deleted users Dialpad listed, checked against records that still say otherwise. */
  deleted_users_checked: number;
  /** Live Dialpad users we hold a record of. */
  records_matched: number;
  unknown_in_dialpad: number;
  state_mismatch: number;
  suspended_without_retention: number;
  /** Distinct users in any list above (a suspended user we do not know is in two): the DriftFound metric. */
  drifted_users: number;
}

export interface DriftFindings {
  counts: DriftCounts;
  /** Not deleted in Dialpad, and no record of ours names them. */
  unknown_in_dialpad: DriftEntry[];
  /** Our record's state differs from Dialpad's (records of jobs in progress excepted). */
  state_mismatch: DriftEntry[];
  /** Suspended in Dialpad with no retention clock of ours (no record, or no delete_after). */
  suspended_without_retention: DriftEntry[];
  truncated: boolean;
}

export interface DriftReport {
  report_id: string;
  status: ReportStatus;
  trigger: ReportTrigger;
  /** The API client that asked for it (on-demand runs). */
  requested_by?: string;
  started_at: string;
  finished_at?: string;
  findings?: DriftFindings;
  error?: { message: string };
}

export interface ReconcileReportStore {
  create(report: DriftReport): Promise<void>;
  /**
   * Creates the report as THE running reconciliation, unless another one runs (its marker has not
   * expired): then nothing is written and that report's id is answered.
   */
  createExclusive(
    report: DriftReport,
    markerTtlMs: number,
  ): Promise<{ created: true } | { runningReportId: string }>;
  /** Drops the running marker if it still names this report (its run ended). */
  releaseRunning(reportId: string): Promise<void>;
  get(reportId: string): Promise<DriftReport | undefined>;
  /** running → succeeded|failed; answers false when the report had already finished. */
  finish(
    reportId: string,
    at: string,
    outcome:
      | { status: "succeeded"; findings: DriftFindings }
      | { status: "failed"; error: { message: string } },
  ): Promise<boolean>;
}

/** What GET /v1/reconcile/{report_id} shows. */
export function reportView(report: DriftReport) {
  return {
    report_id: report.report_id,
    status: report.status,
    trigger: report.trigger,
    ...(report.requested_by ? { requested_by: report.requested_by } : {}),
    started_at: report.started_at,
    ...(report.finished_at ? { finished_at: report.finished_at } : {}),
    ...(report.findings ?? {}),
    ...(report.error ? { error: report.error } : {}),
    links: { self: `/v1/reconcile/${report.report_id}` },
  };
}
