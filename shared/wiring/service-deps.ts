/**
 * The composition root: assembles adapters and use cases from clients and settings. The Lambda
 * handlers (from the environment), local mode and the integration tests all build the service with
 * this one function, so they run the same wiring.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ApiKeyProvider, DialpadMetricsHook } from "../dialpad/api";
import { DialpadClient } from "../dialpad/client";
import type { JobKindRegistry } from "../lifecycle/job-kind";
import { DEFAULT_SCIM_OFFBOARD_LIMIT } from "../lifecycle/mass-change-guard";
import type { Job } from "../lifecycle/model";
import { OfficeDirectory } from "../lifecycle/office-directory";
import {
  type OfficeRefreshMessage,
  type OfficeSeatsDeps,
  refreshOfficeSeats,
} from "../lifecycle/office-seats";
import { type Clock, type Lane, systemClock } from "../lifecycle/ports";
import type { RunJobDeps } from "../lifecycle/run-job";
import { SeatReadings } from "../lifecycle/seat-readings";
import type { LifecycleSettings } from "../lifecycle/steps";
import type { SubmitDeps } from "../lifecycle/submit-job";
import { announceJobFinished } from "../notify/announce-finished";
import type { JobFinishedEvents } from "../notify/ports";
import { SqsCallbackQueue } from "../notify/sqs-callback-queue";
import { SqsBulkTaskQueue } from "../queue/sqs-bulk-task-queue";
import { SqsJobQueue } from "../queue/sqs-job-queue";
import { DynamoBudgetStore } from "../ratelimit/budget-table";
import { createSharedRateBudget } from "../ratelimit/shared-rate-budget";
import type { DriftReport } from "../reconcile/drift-report";
import type { ReconcileMessage } from "../reconcile/reconcile-message";
import { type ReconcileDeps, runQueuedReconciliation } from "../reconcile/run-reconciliation";
import { DynamoJobStore } from "../store/job-store";
import { DynamoMassChangeCounter } from "../store/mass-change-counter-store";
import { DynamoOfficeListStore } from "../store/office-list-store";
import { DynamoPersonStore } from "../store/person-store";
import { DynamoReconcileReportStore } from "../store/reconcile-report-store";
import { DynamoScimGroupStore } from "../store/scim-group-store";
import { DynamoSeatReadingStore } from "../store/seat-reading-store";
import { DynamoWebhookEventLog } from "../store/webhook-event-store";
import { SqsUserSyncQueue } from "../webhook/sqs-user-sync-queue";
import { syncUser, type UserSyncOutcome } from "../webhook/sync-user";
import type { UserSyncMessage } from "../webhook/user-sync-message";

export interface StateParts {
  /** The job kinds (shared/lifecycle/job-kinds.ts, or a test's own). */
  kinds: JobKindRegistry;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  queueUrls: Record<Lane, string>;
  clock?: Clock;
  /** How long finished jobs are kept (JOB_AUDIT_DAYS). */
  jobAuditDays?: number;
  /** How long a deleted person's record and history are kept (PERSON_RECORD_DAYS). */
  personRecordDays?: number;
  /** MASS_OFFBOARD_LIMIT, the mass-change guard's limit for `scim` clients (default 10). */
  massOffboardLimit?: number;
  /** Told each offboard the mass-change guard held (metric, log). */
  onJobHeld?: (job: Job) => void;
}

/** What every function needs: the stores, the queues and job submission (no Dialpad). */
export function createStateDeps(parts: StateParts) {
  const clock = parts.clock ?? systemClock;
  const { kinds } = parts;
  const jobs = new DynamoJobStore(parts.doc, parts.tableName, kinds, parts.jobAuditDays);
  const people = new DynamoPersonStore(parts.doc, parts.tableName, {
    ...(parts.personRecordDays ? { recordDays: parts.personRecordDays } : {}),
    now: () => clock.now().getTime(),
  });
  const queue = new SqsJobQueue(parts.sqs, parts.queueUrls);
  const submit: SubmitDeps = {
    kinds,
    jobs,
    people,
    queue,
    clock,
    massChange: {
      counter: new DynamoMassChangeCounter(parts.doc, parts.tableName),
      scimDefaultLimit: parts.massOffboardLimit ?? DEFAULT_SCIM_OFFBOARD_LIMIT,
      ...(parts.onJobHeld ? { onHeld: parts.onJobHeld } : {}),
    },
  };
  // Webhook events, user syncs (urgent lane) and reconciliation reports and runs (bulk lane).
  const events = new DynamoWebhookEventLog(parts.doc, parts.tableName);
  const userSyncs = new SqsUserSyncQueue(parts.sqs, parts.queueUrls.urgent);
  const reports = new DynamoReconcileReportStore(parts.doc, parts.tableName);
  const reconcileQueue = new SqsBulkTaskQueue<ReconcileMessage>(parts.sqs, parts.queueUrls.bulk);
  // The office listing reads only what is stored, and asks the worker to refresh it (bulk lane).
  const officeSeats: OfficeSeatsDeps = {
    offices: new DynamoOfficeListStore(parts.doc, parts.tableName),
    seats: new DynamoSeatReadingStore(parts.doc, parts.tableName),
    refreshes: new SqsBulkTaskQueue<OfficeRefreshMessage>(parts.sqs, parts.queueUrls.bulk),
    now: () => clock.now().getTime(),
  };
  return {
    kinds,
    jobs,
    people,
    /** SCIM users are kept beside the person records, by the same adapter. */
    scimUsers: people,
    scimGroups: new DynamoScimGroupStore(parts.doc, parts.tableName, () => clock.now().getTime()),
    queue,
    clock,
    submit,
    events,
    userSyncs,
    reports,
    reconcileQueue,
    officeSeats,
  };
}

export type StateDeps = ReturnType<typeof createStateDeps>;

export interface ServiceParts extends StateParts {
  dialpad: {
    baseUrl: string;
    apiKey: ApiKeyProvider;
    budgetRps: number;
    timeoutMs?: number;
    maxAttempts?: number;
    metrics?: DialpadMetricsHook;
    onLimiterWait?: (ms: number, lane: Lane) => void;
    /** Told when a caller released too late gave its slot up (the benchmarks count them). */
    onSlotMissed?: (lateMs: number, lane: Lane) => void;
    /** Told when a caller that missed its slot went early on its next one (the benchmarks count them). */
    onSlotReclaimed?: (earlyMs: number, lane: Lane) => void;
  };
  settings: LifecycleSettings;
  /** The queues' redrive maxReceiveCount. */
  maxReceives: number;
  onJobFinished?: RunJobDeps["onFinished"];
  onSeatsChecked?: RunJobDeps["onSeatsChecked"];
  onUnexpectedError?: RunJobDeps["onUnexpectedError"];
  /** Job-finished notifications: the event port and the callback queue. Absent: no announcements. */
  announce?: { events: JobFinishedEvents; callbackQueueUrl: string };
  /** Told the outcome of each webhook user sync the worker runs (logging). */
  onUserSynced?: (message: UserSyncMessage, outcome: UserSyncOutcome) => void;
  /** Told the drifted-user count of each finished reconciliation (the DriftFound metric). */
  onDriftFound?: (driftedUsers: number, report: DriftReport) => void;
}

/** The Dialpad clients, one per lane, on the shared rate budget (kept in the table). */
export function createDialpadLanes(parts: Pick<ServiceParts, "doc" | "tableName" | "dialpad">) {
  const budget = createSharedRateBudget({
    store: new DynamoBudgetStore(parts.doc, parts.tableName),
    budgetRps: parts.dialpad.budgetRps,
    ...(parts.dialpad.onLimiterWait ? { onWait: parts.dialpad.onLimiterWait } : {}),
    ...(parts.dialpad.onSlotMissed ? { onSlotMissed: parts.dialpad.onSlotMissed } : {}),
    ...(parts.dialpad.onSlotReclaimed ? { onSlotReclaimed: parts.dialpad.onSlotReclaimed } : {}),
  });
  const dialpadFor = (lane: Lane) =>
    new DialpadClient({
      baseUrl: parts.dialpad.baseUrl,
      apiKey: parts.dialpad.apiKey,
      rateLimiter: budget.limiterFor(lane),
      ...(parts.dialpad.metrics ? { metrics: parts.dialpad.metrics } : {}),
      ...(parts.dialpad.timeoutMs ? { timeoutMs: parts.dialpad.timeoutMs } : {}),
      ...(parts.dialpad.maxAttempts ? { maxAttempts: parts.dialpad.maxAttempts } : {}),
    });
  const dialpad: Record<Lane, DialpadClient> = { urgent: dialpadFor("urgent"), bulk: dialpadFor("bulk") };
  return { budget, dialpad };
}

/** Everything, including the Dialpad clients on the shared rate budget (worker, sweeper, reconciler). */
export function createServiceDeps(parts: ServiceParts) {
  const state = createStateDeps(parts);
  const { kinds, jobs, people, queue, clock } = state;
  const { budget, dialpad } = createDialpadLanes(parts);
  const lifecycle: RunJobDeps = {
    kinds,
    jobs,
    people,
    dialpad,
    offices: new OfficeDirectory(dialpad.bulk),
    // The jobs' seat checks and the office refresh read seats on the bulk lane.
    seats: new SeatReadings(dialpad.bulk, new DynamoSeatReadingStore(parts.doc, parts.tableName), () =>
      clock.now().getTime(),
    ),
    clock,
    settings: parts.settings,
    ...(parts.onJobFinished ? { onFinished: parts.onJobFinished } : {}),
    ...(parts.onSeatsChecked ? { onSeatsChecked: parts.onSeatsChecked } : {}),
    ...(parts.onUnexpectedError ? { onUnexpectedError: parts.onUnexpectedError } : {}),
    ...(parts.announce
      ? { announceFinished: announcer({ jobs, clock, sqs: parts.sqs }, parts.announce) }
      : {}),
  };
  // Reconciliation pages through every user: bulk work, on the bulk lane's share of the budget.
  const reconcile: ReconcileDeps = {
    dialpad: dialpad.bulk,
    records: people,
    reports: state.reports,
    clock,
    ...(parts.onDriftFound ? { onDriftFound: parts.onDriftFound } : {}),
  };
  const tasks = {
    // A webhook follow-up is a re-read of one user: urgent, like the offboarding it may reflect.
    user_sync: async (message: UserSyncMessage) => {
      const outcome = await syncUser(message, {
        dialpad: dialpad.urgent,
        people,
        jobs,
        userSyncs: state.userSyncs,
        clock,
        retentionDays: parts.settings.retentionDays,
      });
      parts.onUserSynced?.(message, outcome);
    },
    // Refreshes the office list and seat readings GET /v1/offices answers from: bulk work.
    office_refresh: () =>
      refreshOfficeSeats({
        dialpad: dialpad.bulk,
        offices: state.officeSeats.offices,
        seats: lifecycle.seats,
        now: () => clock.now().getTime(),
      }),
    reconcile: (message: ReconcileMessage, delivery: { receiveCount: number; maxReceives: number }) =>
      runQueuedReconciliation(message.report_id, delivery, reconcile),
  };
  const worker = { lifecycle, queues: queue, maxReceives: parts.maxReceives, tasks };
  return { ...state, budget, dialpad, lifecycle, reconcile, worker };
}

export type ServiceDeps = ReturnType<typeof createServiceDeps>;

/** Announces ended jobs: a `Job Finished` event, and the first callback delivery on the callback queue. */
function announcer(
  parts: { jobs: ServiceDeps["jobs"]; clock: Clock; sqs: ServiceParts["sqs"] },
  announce: NonNullable<ServiceParts["announce"]>,
) {
  const deps = {
    jobs: parts.jobs,
    events: announce.events,
    callbacks: new SqsCallbackQueue(parts.sqs, announce.callbackQueueUrl),
    clock: parts.clock,
  };
  return (jobId: string, ended?: Job) => announceJobFinished(jobId, deps, ended);
}
