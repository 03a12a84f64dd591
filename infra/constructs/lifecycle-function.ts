/**
 * The house Lambda function: every function of the service is one of these, so runtime, architecture,
 * bundling, logging and tracing are decided once. The `bind*` helpers set the environment variable a
 * function reads (names from shared/config.ts) and grant exactly the access it needs, in one call, so
 * a function can never have the variable without the permission or the permission without a reason.
 *
 * The function gets its own role with an inline log policy scoped to its own log group, instead of
 * the AWSLambdaBasicExecutionRole managed policy (which allows writing to every log group).
 */
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { announceSettings, queueSettings, secretSettings } from "../../shared/config";
import { METRICS_NAMESPACE, SERVICE_NAME } from "../../shared/observability/metric-names";
import { SECONDARY_INDEXES } from "../../shared/store/table-definition";
import { PROJECT_ROOT } from "../function-entries";
import { cdkBundlingOptions } from "../lambda-bundling";

/**
 * The DynamoDB actions a function may be granted, by what the code does. Each function names the
 * ones it uses: no role gets Scan, BatchWriteItem or BatchGetItem (the code uses none), and only
 * the worker may delete items. TransactWriteItems is authorized through Put/Update/Delete.
 */
const TABLE_ACTIONS = {
  get: "dynamodb:GetItem",
  query: "dynamodb:Query",
  put: "dynamodb:PutItem",
  update: "dynamodb:UpdateItem",
  delete: "dynamodb:DeleteItem",
} as const;
export type TableAction = keyof typeof TABLE_ACTIONS;

type QueueSetting = keyof typeof queueSettings.shape;
export type QueueUrlVariable = Extract<
  QueueSetting | keyof typeof announceSettings.shape,
  `${string}_QUEUE_URL`
>;
export type SecretArnVariable = Extract<keyof typeof secretSettings.shape, `${string}_SECRET_ARN`>;

export interface LifecycleFunctionProps {
  /** Absolute path of the entry file; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** MB (arm64 CPU share grows with memory): FUNCTION_MEMORY_MB (infra/function-entries.ts). */
  readonly memorySize: number;
  readonly environment?: Record<string, string>;
  /** Active X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Powertools log level. @default INFO */
  readonly logLevel?: string;
}

export class LifecycleFunction extends NodejsFunction {
  private consumedMaxReceives: number | undefined;

  constructor(scope: Construct, id: string, props: LifecycleFunctionProps) {
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of the ${id} function`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs of a torn-down stack are still evidence: keep them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logGroup.grantWrite(role);
    if (props.tracing) {
      Validations.of(role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.",
      });
    }

    super(scope, id, {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      bundling: cdkBundlingOptions({ tracing: props.tracing ?? false }),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: props.logLevel ?? "INFO",
        // Powertools' Tracer follows the function's tracing mode (shared/observability/tracing.ts).
        POWERTOOLS_TRACE_ENABLED: props.tracing ? "true" : "false",
        ...props.environment,
      },
    });
  }

  /**
   * Sets TABLE_NAME and grants exactly `actions` on the table and on each of its named indexes (the
   * stores query all of them: retention list, user ids, the API's lists, lookups): CDK's
   * `grantReadWriteData` would grant Scan, batch writes, `index/*` and stream actions the code never uses.
   */
  bindTable(table: ITable, actions: readonly TableAction[]): this {
    this.addEnvironment("TABLE_NAME", table.tableName);
    const indexArns = SECONDARY_INDEXES.map((index) => `${table.tableArn}/index/${index.name}`);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => TABLE_ACTIONS[action]),
        resources: [table.tableArn, ...indexArns],
      }),
    );
    return this;
  }

  /** Sets the queue's URL variable and grants sending to it (and nothing else). */
  bindQueue(queue: IQueue, variable: QueueUrlVariable, access: "send"): this {
    this.addEnvironment(variable, queue.queueUrl);
    if (access === "send") queue.grantSendMessages(this);
    return this;
  }

  /**
   * Consumes the queue through an event source mapping with partial batch responses (the grant to
   * receive/delete comes with the event source), and sets JOB_MAX_RECEIVES to the queue's redrive
   * `maxReceiveCount`, so the worker knows which receive is the last before SQS parks the message and
   * can mark the job failed with its reason.
   */
  consumeQueue(
    queue: Queue,
    options: { batchSize: number; maxConcurrency: number; maxBatchingWindow?: Duration },
  ): this {
    const maxReceives = queue.deadLetterQueue?.maxReceiveCount;
    if (maxReceives === undefined) throw new Error(`${queue.node.path} has no dead-letter queue`);
    const current = this.consumedMaxReceives;
    if (current !== undefined && current !== maxReceives) {
      throw new Error("Every queue one function consumes must share one maxReceiveCount (JOB_MAX_RECEIVES)");
    }
    this.consumedMaxReceives = maxReceives;
    this.addEnvironment("JOB_MAX_RECEIVES" satisfies QueueSetting, String(maxReceives));
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize,
        maxConcurrency: options.maxConcurrency,
        maxBatchingWindow: options.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );
    return this;
  }

  /** Sets EVENT_BUS_NAME and grants `events:PutEvents` on that one bus. */
  bindEventBus(bus: IEventBus): this {
    this.addEnvironment("EVENT_BUS_NAME" satisfies keyof typeof announceSettings.shape, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** Sets the secret's ARN variable and grants reading that one secret. */
  bindSecret(secret: ISecret, variable: SecretArnVariable): this {
    this.addEnvironment(variable, secret.secretArn);
    secret.grantRead(this);
    return this;
  }
}
