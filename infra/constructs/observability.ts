/**
 * What operators watch: one CloudWatch dashboard (API, queues, worker, and the service's own EMF
 * metrics) and the alarms that page through one SNS topic. Custom metric names and dimensions come
 * from shared/observability/metric-names.ts, the same constants the functions emit with.
 */
import { Aws, Duration, Validations } from "aws-cdk-lib";
import type { RestApi } from "aws-cdk-lib/aws-apigateway";
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  Stats,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  DIMENSIONS,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  type MetricName,
  SERVICE_NAME,
} from "../../shared/observability/metric-names";
import type { StackSettings } from "../stack-settings";

const PERIOD = Duration.minutes(5);

export interface ObservabilityProps {
  readonly settings: StackSettings;
  /** Every job kind the worker runs (shared/lifecycle/job-kinds.ts): the `kind` dimensions graphed and alarmed on. */
  readonly jobKinds: readonly string[];
  readonly restApi: RestApi;
  readonly worker: IFunction;
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly urgentQueue: IQueue;
  readonly bulkQueue: IQueue;
  readonly urgentDeadLetterQueue: IQueue;
  readonly bulkDeadLetterQueue: IQueue;
  readonly scheduleDeadLetterQueue: IQueue;
  readonly callbackDeadLetterQueue: IQueue;
}

/** One of the service's EMF metrics, under `{service}` plus any extra dimensions. */
export function serviceMetric(
  name: MetricName,
  statistic: string,
  extraDimensions: Record<string, string> = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [DIMENSIONS.service]: SERVICE_NAME, ...extraDimensions },
    statistic,
    period: PERIOD,
  });
}

/**
 * OffboardsAndDeletions summed per client (a Metrics Insights query: one time series per client, so
 * the alarm needs no list of clients and a new client is watched from its first removal).
 */
export function removalsPerClient(): MathExpression {
  const { service, kind, client } = DIMENSIONS;
  return new MathExpression({
    expression: `SELECT SUM(${METRIC_NAMES.offboardsAndDeletions}) FROM SCHEMA("${METRICS_NAMESPACE}", ${client}, ${kind}, ${service}) GROUP BY ${client}`,
    usingMetrics: {},
    label: "Offboards and deletions",
    period: PERIOD,
  });
}

/** The sum of a per-kind job metric over every kind. */
function allKinds(jobKinds: readonly string[], name: MetricName, label: string): MathExpression {
  // Ids must be unique across a whole graph, which may hold several of these sums.
  const idOf = (kind: string) => `${name.toLowerCase()}_${kind}`;
  const usingMetrics = Object.fromEntries(
    jobKinds.map((kind) => [idOf(kind), serviceMetric(name, Stats.SUM, { [DIMENSIONS.kind]: kind })]),
  );
  return new MathExpression({
    expression: jobKinds.map(idOf).join(" + "),
    usingMetrics,
    label,
    period: PERIOD,
  });
}

export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { settings } = props;

    this.alarmTopic = new Topic(this, "AlarmTopic", {
      displayName: "dialpad-lifecycle alarms",
      enforceSSL: true,
    });
    Validations.of(this.alarmTopic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "Alarm notifications carry alarm names and states only, no personal data or secrets; CloudWatch cannot publish to a topic under the AWS-managed SNS key.",
    });
    if (settings.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));

    const alarm = (
      name: string,
      description: string,
      metric: IMetric,
      threshold: number,
      comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const created = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: comparison,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms[name] = created;
      return created;
    };

    const deadLetterQueues = {
      Urgent: props.urgentDeadLetterQueue,
      Bulk: props.bulkDeadLetterQueue,
      ScheduledRuns: props.scheduleDeadLetterQueue,
      Callback: props.callbackDeadLetterQueue,
    };
    for (const [name, queue] of Object.entries(deadLetterQueues)) {
      alarm(
        `${name}DeadLettersAlarm`,
        `${name} dead-letter queue is not empty: messages exhausted their retries (inspect, fix, redrive).`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM }),
        1,
      );
    }
    alarm(
      "UrgentBacklogAgeAlarm",
      `Oldest urgent (offboarding) message is older than ${settings.urgentOldestMessageAlarmSeconds}s: offboarding is delayed.`,
      props.urgentQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: Stats.MAXIMUM }),
      settings.urgentOldestMessageAlarmSeconds,
    );
    alarm(
      "BulkBacklogAgeAlarm",
      `Oldest bulk (onboarding) message is older than ${settings.bulkOldestMessageAlarmSeconds}s.`,
      props.bulkQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: Stats.MAXIMUM }),
      settings.bulkOldestMessageAlarmSeconds,
    );
    alarm(
      "Dialpad429Alarm",
      "Dialpad answered 429 repeatedly: our share of the company rate limit is exceeded (check other integrations and DIALPAD_RATE_LIMIT_RPS).",
      serviceMetric(METRIC_NAMES.dialpad429s, Stats.SUM),
      settings.dialpad429AlarmThreshold,
    );
    alarm(
      "JobFailuresAlarm",
      "At least one lifecycle job failed: see the job's error code and the worker logs.",
      allKinds(props.jobKinds, METRIC_NAMES.jobsFailed, "Jobs failed"),
      1,
    );
    alarm(
      "JobsHeldAlarm",
      "The mass-change guard held an offboard: a client passed its offboard limit within 15 minutes. List them (GET /v1/jobs?status=held), then release or cancel each with another approve client (docs/operate.md).",
      serviceMetric(METRIC_NAMES.jobsHeld, Stats.SUM),
      1,
    );
    alarm(
      "CallbackFailuresAlarm",
      `Job-finished callbacks failed ${settings.callbackFailuresAlarmThreshold} times or more in 5 minutes: a receiver is down or refuses our signature (notifier logs say why; retries go on for 25 hours).`,
      serviceMetric(METRIC_NAMES.callbackFailures, Stats.SUM),
      settings.callbackFailuresAlarmThreshold,
    );
    alarm(
      "RemovalVolumeAlarm",
      `One client's offboards and deletions reached ${settings.removalsPerClientAlarmThreshold} in 5 minutes: a stolen offboard token or a runaway integration? (docs/operate.md: removal volume).`,
      removalsPerClient(),
      settings.removalsPerClientAlarmThreshold,
    );
    alarm(
      "ApiClientErrorsAlarm",
      "Many 4xx answers (authorizer denials, bad requests): a client's token may be wrong or someone is probing the API.",
      props.restApi.metricClientError({ period: PERIOD, statistic: Stats.SUM }),
      settings.api4xxAlarmThreshold,
    );
    alarm(
      "ApiServerErrorsAlarm",
      "The API answered 5xx.",
      props.restApi.metricServerError({ period: PERIOD, statistic: Stats.SUM }),
      1,
    );
    alarm(
      "SeatsLowAlarm",
      `Dialpad licences left for onboarding fell to ${settings.seatsLowThreshold} or fewer: buy seats before onboarding fails with no_seats.`,
      serviceMetric(METRIC_NAMES.seatsLeft, Stats.MINIMUM),
      settings.seatsLowThreshold,
      ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    );

    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: "Alarms", alarms: Object.values(this.alarms), width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(...this.apiWidgets(props.restApi));
    this.dashboard.addWidgets(...this.queueWidgets(props, deadLetterQueues));
    this.dashboard.addWidgets(...this.functionWidgets(props.worker, props.functions));
    this.dashboard.addWidgets(
      ...this.serviceWidgets(props.jobKinds, settings.removalsPerClientAlarmThreshold),
    );
  }

  private apiWidgets(api: RestApi) {
    const options = { period: PERIOD };
    return [
      new GraphWidget({
        title: "API requests and errors",
        left: [api.metricCount({ ...options, statistic: Stats.SUM, label: "Requests" })],
        right: [
          api.metricClientError({ ...options, statistic: Stats.SUM, label: "4xx" }),
          api.metricServerError({ ...options, statistic: Stats.SUM, label: "5xx" }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: "API latency (ms)",
        left: [
          api.metricLatency({ ...options, statistic: Stats.percentile(50), label: "p50" }),
          api.metricLatency({ ...options, statistic: Stats.percentile(99), label: "p99" }),
          api.metricIntegrationLatency({
            ...options,
            statistic: Stats.percentile(99),
            label: "integration p99",
          }),
        ],
        width: 12,
      }),
    ];
  }

  private queueWidgets(props: ObservabilityProps, deadLetterQueues: Record<string, IQueue>) {
    const options = { period: PERIOD, statistic: Stats.MAXIMUM };
    return [
      new GraphWidget({
        title: "Queue depth",
        left: [
          props.urgentQueue.metricApproximateNumberOfMessagesVisible({ ...options, label: "Urgent visible" }),
          props.bulkQueue.metricApproximateNumberOfMessagesVisible({ ...options, label: "Bulk visible" }),
          props.urgentQueue.metricApproximateNumberOfMessagesNotVisible({
            ...options,
            label: "Urgent in flight",
          }),
          props.bulkQueue.metricApproximateNumberOfMessagesNotVisible({
            ...options,
            label: "Bulk in flight",
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Age of oldest message (s)",
        left: [
          props.urgentQueue.metricApproximateAgeOfOldestMessage({ ...options, label: "Urgent" }),
          props.bulkQueue.metricApproximateAgeOfOldestMessage({ ...options, label: "Bulk" }),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: "Dead letters",
        metrics: Object.entries(deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ ...options, label: name }),
        ),
        width: 8,
        height: 6,
      }),
    ];
  }

  private functionWidgets(worker: IFunction, functions: Readonly<Record<string, IFunction>>) {
    const options = { period: PERIOD };
    return [
      new GraphWidget({
        title: "Worker errors and throttles",
        left: [
          worker.metricErrors({ ...options, statistic: Stats.SUM, label: "Errors" }),
          worker.metricThrottles({ ...options, statistic: Stats.SUM, label: "Throttles" }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Worker duration (ms) and concurrency",
        left: [
          worker.metricDuration({ ...options, statistic: Stats.percentile(50), label: "p50" }),
          worker.metricDuration({ ...options, statistic: Stats.percentile(99), label: "p99" }),
        ],
        right: [
          worker.metric("ConcurrentExecutions", {
            ...options,
            statistic: Stats.MAXIMUM,
            label: "Concurrency",
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Function errors",
        left: Object.entries(functions).map(([name, fn]) =>
          fn.metricErrors({ ...options, statistic: Stats.SUM, label: name }),
        ),
        width: 8,
      }),
    ];
  }

  private serviceWidgets(jobKinds: readonly string[], removalsThreshold: number) {
    const allKindsOf = (name: MetricName, label: string) => allKinds(jobKinds, name, label);
    const sum = (name: MetricName, label: string) => serviceMetric(name, Stats.SUM).with({ label });
    return [
      new GraphWidget({
        title: "Jobs",
        left: [
          allKindsOf(METRIC_NAMES.jobsSucceeded, "Succeeded"),
          allKindsOf(METRIC_NAMES.jobsFailed, "Failed"),
          allKindsOf(METRIC_NAMES.jobsCancelled, "Cancelled"),
        ],
        right: jobKinds.map((kind) =>
          serviceMetric(METRIC_NAMES.jobsFailed, Stats.SUM, { [DIMENSIONS.kind]: kind }).with({
            label: `Failed ${kind}`,
          }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: "Offboards and deletions per client",
        left: [removalsPerClient()],
        leftAnnotations: [{ value: removalsThreshold, label: "RemovalVolumeAlarm" }],
        width: 8,
      }),
      new GraphWidget({
        title: "Dialpad requests",
        left: [sum(METRIC_NAMES.dialpadRequests, "Requests")],
        right: [sum(METRIC_NAMES.dialpad429s, "429s"), sum(METRIC_NAMES.dialpadServerErrors, "5xx/timeouts")],
        width: 8,
      }),
      new GraphWidget({
        title: "Dialpad latency and limiter wait (ms)",
        left: [
          serviceMetric(METRIC_NAMES.dialpadLatency, Stats.percentile(50)).with({ label: "Latency p50" }),
          serviceMetric(METRIC_NAMES.dialpadLatency, Stats.percentile(99)).with({ label: "Latency p99" }),
        ],
        right: [
          serviceMetric(METRIC_NAMES.rateLimiterWaitMs, Stats.percentile(99)).with({
            label: "Limiter wait p99",
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Seats left (minimum)",
        left: [serviceMetric(METRIC_NAMES.seatsLeft, Stats.MINIMUM).with({ label: "Seats left" })],
        width: 8,
      }),
      new GraphWidget({
        title: "Retention, drift, webhooks and callbacks",
        left: [
          sum(METRIC_NAMES.usersDeleted, "Users deleted"),
          sum(METRIC_NAMES.driftFound, "Drift found"),
          sum(METRIC_NAMES.webhookEventsApplied, "Webhook events applied"),
          sum(METRIC_NAMES.webhookEventsRejected, "Webhook events rejected"),
          sum(METRIC_NAMES.callbackFailures, "Callback failures"),
        ],
        width: 16,
      }),
    ];
  }

  /** The console address of the dashboard, for the stack output. */
  dashboardUrl(): string {
    return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
