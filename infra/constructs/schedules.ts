/**
 * The scheduled work: the retention sweeper (every `sweepIntervalMinutes`, default 15) and the daily
 * drift reconciler, both run by EventBridge Scheduler. A run that Scheduler cannot deliver (after its
 * retry policy) or that fails inside the function (after Lambda's asynchronous retries) lands in one
 * dead-letter queue, which is alarmed. Both runs are idempotent, so a retried or skipped run is
 * harmless: the next one picks the same work up.
 */
import { Aws, Duration, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { Schedule, ScheduleExpression } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { type IQueue, Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { FUNCTION_MEMORY_MB, functionEntry } from "../function-entries";
import { arnTokenOf } from "../nag-suppressions";
import type { StackSettings } from "../stack-settings";
import { dialpadEnvironment, lifecycleEnvironment, secretCacheEnvironment } from "./function-environment";
import { LifecycleFunction } from "./lifecycle-function";

export interface SchedulesProps {
  readonly settings: StackSettings;
  readonly table: ITable;
  readonly urgentQueue: IQueue;
  /** The sweeper re-sends accepted jobs whose send was lost, onboardings included. */
  readonly bulkQueue: IQueue;
  readonly dialpadApiKeySecret: ISecret;
}

export class Schedules extends Construct {
  readonly sweeper: LifecycleFunction;
  readonly reconciler: LifecycleFunction;
  readonly sweepSchedule: Schedule;
  readonly reconcileSchedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { settings } = props;
    const common = { tracing: settings.xrayTracing, logLevel: settings.logLevel };

    this.deadLetterQueue = new Queue(this, "FailedRuns", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This queue is itself the dead-letter queue of the scheduled runs.",
    });
    const onFailure = new SqsDestination(this.deadLetterQueue);

    this.sweeper = new LifecycleFunction(this, "Sweeper", {
      ...common,
      entry: functionEntry("sweeper"),
      memorySize: FUNCTION_MEMORY_MB.sweeper,
      description: "Retention sweeper: creates deletion jobs for people whose retention period has ended",
      timeout: Duration.minutes(2),
      environment: lifecycleEnvironment(settings),
    })
      // The due and unsent lists (query), delete jobs and their keys (get, put), notes (update).
      .bindTable(props.table, ["get", "query", "put", "update"])
      .bindQueue(props.urgentQueue, "URGENT_QUEUE_URL", "send")
      .bindQueue(props.bulkQueue, "BULK_QUEUE_URL", "send");
    // No Lambda-side retry: the next sweep, minutes away, redoes the same idempotent query.
    this.sweeper.configureAsyncInvoke({ retryAttempts: 0, onFailure });

    this.reconciler = new LifecycleFunction(this, "Reconciler", {
      ...common,
      entry: functionEntry("reconciler"),
      description: "Daily drift reconciliation: compares Dialpad users with our records, writes a report",
      timeout: Duration.minutes(15),
      memorySize: FUNCTION_MEMORY_MB.reconciler,
      environment: {
        ...dialpadEnvironment(settings),
        ...lifecycleEnvironment(settings),
        ...secretCacheEnvironment(settings),
      },
    })
      // Records (get, query), its report and running marker (put, update), the rate budget (update).
      .bindTable(props.table, ["get", "query", "put", "update"])
      .bindSecret(props.dialpadApiKeySecret, "DIALPAD_API_KEY_SECRET_ARN");
    this.reconciler.configureAsyncInvoke({ retryAttempts: 1, onFailure });

    // Scheduler's role may invoke exactly these two functions; LambdaInvoke grants them with their
    // qualified ARNs (`<function>:*`, versions and aliases) as well.
    const schedulerRole = new Role(this, "SchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
      description: "Lets EventBridge Scheduler invoke the sweeper and reconciler",
    });
    for (const fn of [this.sweeper, this.reconciler]) {
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnTokenOf(fn)}:*]`,
        reason: "Invoke rights on the qualified ARNs (versions/aliases) of this one scheduled function only.",
      });
    }

    const sweepInterval = Duration.minutes(settings.sweepIntervalMinutes);
    this.sweepSchedule = new Schedule(this, "SweepSchedule", {
      description: `Runs the retention sweeper every ${settings.sweepIntervalMinutes} minutes`,
      schedule: ScheduleExpression.rate(sweepInterval),
      target: new LambdaInvoke(this.sweeper, {
        role: schedulerRole,
        retryAttempts: 3,
        // A sweep older than the interval is superseded by the next one.
        maxEventAge: sweepInterval.toSeconds() >= 60 ? sweepInterval : Duration.minutes(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    this.reconcileSchedule = new Schedule(this, "ReconcileSchedule", {
      description: `Runs the drift reconciliation daily at ${settings.reconcileHourUtc}:00 UTC`,
      schedule: ScheduleExpression.cron({ minute: "0", hour: String(settings.reconcileHourUtc) }),
      target: new LambdaInvoke(this.reconciler, {
        role: schedulerRole,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
