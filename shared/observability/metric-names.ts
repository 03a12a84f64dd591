/**
 * The names of every custom metric the service emits (CloudWatch EMF), shared by the functions that
 * emit them and the stack's dashboard and alarms, so a renamed metric breaks the build instead of
 * silently emptying a graph. Every function uses one service name, so each metric below lives under
 * the dimension set `{service}` unless its comment names another.
 */
/** The CloudWatch namespace of all custom metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = "DialpadLifecycle";
/** The one Powertools service name (POWERTOOLS_SERVICE_NAME) and the value of the `service` dimension. */
export const SERVICE_NAME = "dialpad-lifecycle";

export const DIMENSIONS = {
  service: "service",
  /** Job kind (every kind of shared/lifecycle/job-kinds.ts), on the job outcome metrics. */
  kind: "kind",
  /** The API client that asked for the job (`sweeper` for retention deletions), on OffboardsAndDeletions. */
  client: "client",
} as const;

export const METRIC_NAMES = {
  /** Count, dimensions `{service, kind}`: a job reached `succeeded`. */
  jobsSucceeded: "JobsSucceeded",
  /** Count, dimensions `{service, kind}`: a job reached `failed`. */
  jobsFailed: "JobsFailed",
  /** Count, dimensions `{service, kind}`: a job was `cancelled` (e.g. a rehire before deletion). */
  jobsCancelled: "JobsCancelled",
  /** Count: one per finished HTTP exchange with Dialpad, retries included. */
  dialpadRequests: "DialpadRequests",
  /** Milliseconds: latency of each Dialpad exchange. */
  dialpadLatency: "DialpadLatency",
  /** Count: Dialpad answered 429 (our share of the company budget was exceeded). */
  dialpad429s: "Dialpad429s",
  /** Count: Dialpad answered 5xx, timed out or the connection failed. */
  dialpadServerErrors: "DialpadServerErrors",
  /** Milliseconds: time a caller waited in the shared rate limiter before a request. */
  rateLimiterWaitMs: "RateLimiterWaitMs",
  /** Count (gauge): licences left for the licence an onboarding checked; alarmed on its minimum. */
  seatsLeft: "SeatsLeft",
  /** Count: users permanently deleted in Dialpad by the retention flow. */
  usersDeleted: "UsersDeleted",
  /** Count: differences between Dialpad and our records found by a reconciliation run. */
  driftFound: "DriftFound",
  /** Count: Dialpad webhook events verified and applied to our records. */
  webhookEventsApplied: "WebhookEventsApplied",
  /** Count: webhook deliveries refused (bad or missing signature). */
  webhookEventsRejected: "WebhookEventsRejected",
  /** Count: an offboard the mass-change guard accepted `held` (alarmed: someone must release or cancel it). */
  jobsHeld: "JobsHeld",
  /** Count: job-finished callback attempts that did not get a 2xx (each retry counts; a refused target too). */
  callbackFailures: "CallbackFailures",
  /**
   * Count, dimensions `{service, kind, client}`: an offboard or delete job finished (any outcome), so
   * a client's removal volume (a stolen `offboard` token) is alarmed on per client.
   */
  offboardsAndDeletions: "OffboardsAndDeletions",
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
