/**
 * What the API's route handlers may use: ports and settings, built once per container by the
 * composition (handler.ts from the environment; tests from their harness).
 */
import type { IntakePolicy } from "../../shared/lifecycle/intake-policy";
import type { OfficeSeatsDeps } from "../../shared/lifecycle/office-seats";
import type { JobStore, PersonStore } from "../../shared/lifecycle/ports";
import type { SubmitDeps } from "../../shared/lifecycle/submit-job";
import type { ReconcileReportStore } from "../../shared/reconcile/drift-report";
import type { ReconcileQueue } from "../../shared/reconcile/reconcile-message";
import type { ScimGroupStore } from "../../shared/scim/scim-group-store";
import type { ScimUserStore } from "../../shared/scim/scim-user-store";

export interface ApiDeps {
  submit: SubmitDeps;
  jobs: JobStore;
  people: PersonStore;
  /** SCIM users, kept beside the person records. */
  scimUsers: ScimUserStore;
  /** SCIM groups and their memberships. */
  scimGroups: ScimGroupStore;
  clock: SubmitDeps["clock"];
  reports: ReconcileReportStore;
  reconcileQueue: ReconcileQueue;
  /** Offices and seats left, from the store (the API never calls Dialpad). */
  officeSeats: OfficeSeatsDeps;
  settings: IntakePolicy & {
    /** SCIM_DEFAULT_OFFICE: the office (name or id) of SCIM users no group or officeName places. */
    scimDefaultOffice?: string | undefined;
    /** The configured default retention: a shorter one needs the `admin` scope. */
    retentionDays: number;
    /** REQUIRE_DELETION_APPROVAL: every deletion waits for an approval (default false). */
    requireDeletionApproval?: boolean;
  };
}
