/**
 * The production stack, synthesized once with every function bundled by esbuild: the properties that
 * matter for correctness and safety, asserted one by one (no snapshot), and cdk-nag's AWS Solutions
 * pack with zero unacknowledged findings.
 */
import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../functions/api/routes";
import { GATEWAY_ERRORS } from "../../infra/constructs/api";
import { MAX_RECEIVE_COUNT } from "../../infra/constructs/pipeline";
import { EMPTY_CLIENT_TOKENS_DOCUMENT } from "../../infra/constructs/storage";
import type { LifecycleStack } from "../../infra/lifecycle-stack";
import { workerConcurrency } from "../../infra/worker-concurrency";
import { METRIC_NAMES, METRICS_NAMESPACE } from "../../shared/observability/metric-names";
import { TABLE_KEYS } from "../../shared/store/table-definition";
import {
  actionsOf,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthesizeStack,
  unacknowledgedNagFindings,
} from "./stack-fixture";

let stack: LifecycleStack;
let template: Template;

// Bundling every function and synthesizing took 60 s and more on this 2-core machine shared with
// other builds: the limit is a hang guard, not a speed check.
beforeAll(() => {
  ({ stack, template } = synthesizeStack({ bundle: true }));
}, 240_000);

const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  "Fn::GetAtt": [logicalIdOf(construct), "Arn"],
});

describe("DynamoDB table", () => {
  it("is on-demand with PITR, AWS-managed encryption, TTL and both GSIs from TABLE_KEYS", () => {
    const { partitionKey, sortKey, timeToLive, retentionIndex, userIdIndex } = TABLE_KEYS;
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: partitionKey, KeyType: "HASH" },
        { AttributeName: sortKey, KeyType: "RANGE" },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // SSEEnabled without a key of our own means the AWS-managed `aws/dynamodb` KMS key.
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      TimeToLiveSpecification: { AttributeName: timeToLive, Enabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: Match.arrayWith(
        [retentionIndex, userIdIndex].map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          }),
        ),
      ),
    });
  });

  it("is retained when the stack is deleted", () => {
    template.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });
});

describe("queues", () => {
  const workerTimeout = () => {
    const worker = template.findResources("AWS::Lambda::Function")[logicalIdOf(stack.pipeline.worker)];
    return worker?.Properties.Timeout as number;
  };

  it.each(["urgent", "bulk"] as const)(
    "the %s queue redrives to its own DLQ, is encrypted and outlives 6× the worker timeout",
    (name) => {
      const queue = name === "urgent" ? stack.pipeline.urgentQueue : stack.pipeline.bulkQueue;
      const dlq =
        name === "urgent" ? stack.pipeline.urgentDeadLetterQueue : stack.pipeline.bulkDeadLetterQueue;
      const props = template.findResources("AWS::SQS::Queue")[logicalIdOf(queue)]?.Properties;
      expect(props.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf(dlq),
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      expect(props.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * workerTimeout());
    },
  );

  it("encrypts every queue and refuses non-TLS access to each", () => {
    template.allResourcesProperties("AWS::SQS::Queue", { SqsManagedSseEnabled: true });
    const queues = Object.keys(template.findResources("AWS::SQS::Queue"));
    for (const queueId of queues) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    }
  });
});

describe("worker event sources", () => {
  it("report partial batch failures and cap concurrency from the rate budget", () => {
    const { settings } = stack;
    const urgent = workerConcurrency({
      budgetRps: settings.dialpadRateLimitRps,
      dialpadLatencyMs: settings.dialpadLatencyMs,
      batchSize: settings.urgentBatchSize,
      recordsInFlightPerInvocation: settings.urgentBatchSize,
    });
    const bulk = workerConcurrency({
      budgetRps: settings.dialpadRateLimitRps,
      dialpadLatencyMs: settings.dialpadLatencyMs,
      batchSize: settings.bulkBatchSize,
      recordsInFlightPerInvocation: settings.bulkBatchSize,
    });
    // The worker's two, and the notifier's callback queue (test/infra/notifications.test.ts).
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 3);
    for (const [queue, concurrency, batchSize, batchingWindow] of [
      [stack.pipeline.urgentQueue, urgent, settings.urgentBatchSize, Match.absent()],
      [stack.pipeline.bulkQueue, bulk, settings.bulkBatchSize, settings.bulkBatchingWindowSeconds],
    ] as const) {
      template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        EventSourceArn: arnOf(queue),
        FunctionName: ref(stack.pipeline.worker),
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        BatchSize: batchSize,
        ScalingConfig: { MaximumConcurrency: concurrency },
        MaximumBatchingWindowInSeconds: batchingWindow,
      });
    }
  });

  it("gathers bulk batches for 1 s by default, and the bulk queue's visibility covers the window", () => {
    expect(stack.settings.bulkBatchingWindowSeconds).toBe(1);
    const sixTimesTheWorker = 6 * stack.settings.workerTimeoutSeconds;
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: sixTimesTheWorker + stack.settings.bulkBatchingWindowSeconds,
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: sixTimesTheWorker,
      RedrivePolicy: Match.anyValue(),
    });
  });

  it("leaves reserved concurrency unset on every function", () => {
    template.allResourcesProperties("AWS::Lambda::Function", {
      ReservedConcurrentExecutions: Match.absent(),
    });
  });
});

describe("functions", () => {
  it("all run Node 22 on arm64, ESM-bundled, logging to their own log group", () => {
    template.resourceCountIs("AWS::Lambda::Function", 7);
    template.allResourcesProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: "--enable-source-maps",
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_SERVICE_NAME: Match.anyValue(),
          LOG_LEVEL: "INFO",
        }),
      },
    });
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: Match.anyValue() });
  });

  it("get the variables their bindings promise", () => {
    const env = (construct: Parameters<typeof logicalIdOf>[0]) =>
      template.findResources("AWS::Lambda::Function")[logicalIdOf(construct)]?.Properties.Environment
        .Variables;
    expect(env(stack.pipeline.worker)).toMatchObject({
      TABLE_NAME: ref(stack.storage.table),
      URGENT_QUEUE_URL: ref(stack.pipeline.urgentQueue),
      BULK_QUEUE_URL: ref(stack.pipeline.bulkQueue),
      DIALPAD_API_KEY_SECRET_ARN: ref(stack.storage.dialpadApiKeySecret),
      // The worker marks a job failed on the receive after which SQS parks its message.
      JOB_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
      DIALPAD_RATE_LIMIT_RPS: "15",
      RETENTION_DAYS: "30",
    });
    // The internet-facing API never calls Dialpad: GET /v1/offices answers from the table.
    expect(env(stack.api.apiFunction)).not.toHaveProperty("DIALPAD_API_KEY_SECRET_ARN");
    expect(env(stack.api.apiFunction)).not.toHaveProperty("DIALPAD_BASE_URL");
    expect(env(stack.api.authorizerFunction)).toEqual(
      expect.objectContaining({ CLIENT_TOKENS_SECRET_ARN: ref(stack.storage.clientTokensSecret) }),
    );
    expect(env(stack.api.authorizerFunction)).not.toHaveProperty("TABLE_NAME");
    expect(env(stack.api.webhookFunction)).toMatchObject({
      WEBHOOK_SECRET_ARN: ref(stack.storage.webhookSecret),
    });
  });
});

describe("IAM least privilege", () => {
  const functions = () => ({
    api: stack.api.apiFunction,
    authorizer: stack.api.authorizerFunction,
    webhook: stack.api.webhookFunction,
    worker: stack.pipeline.worker,
    sweeper: stack.schedules.sweeper,
    reconciler: stack.schedules.reconciler,
  });
  const statementsOf = (name: keyof ReturnType<typeof functions>) => {
    const role = functions()[name].role;
    if (!role) throw new Error(`${name} has no role`);
    return statementsOfRole(template, logicalIdOf(role));
  };
  const readersOf = (secret: Parameters<typeof logicalIdOf>[0]) =>
    (Object.keys(functions()) as Array<keyof ReturnType<typeof functions>>).filter((name) =>
      statementsOf(name).some(
        (statement) =>
          actionsOf(statement).includes("secretsmanager:GetSecretValue") &&
          resourcesOf(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(ref(secret))),
      ),
    );

  it("lets only the worker and the reconciler read the Dialpad API key", () => {
    expect(readersOf(stack.storage.dialpadApiKeySecret).sort()).toEqual(["reconciler", "worker"]);
  });

  it("gives the internet-facing API function no Secrets Manager action at all", () => {
    const secretActions = statementsOf("api").flatMap((statement) =>
      actionsOf(statement).filter((action) => action.startsWith("secretsmanager:")),
    );
    expect(secretActions).toEqual([]);
  });

  it("lets only the webhook read the webhook secret and only the authorizer read client tokens", () => {
    expect(readersOf(stack.storage.webhookSecret)).toEqual(["webhook"]);
    expect(readersOf(stack.storage.clientTokensSecret)).toEqual(["authorizer"]);
  });

  it("never grants on a wildcard resource or a wildcard action", () => {
    for (const name of Object.keys(functions()) as Array<keyof ReturnType<typeof functions>>) {
      for (const statement of statementsOf(name)) {
        expect(resourcesOf(statement), name).not.toContain("*");
        for (const action of actionsOf(statement)) expect(action, name).not.toMatch(/\*/);
      }
    }
  });

  it("scopes table access to the table and each of its named indexes, which the stores query", () => {
    const table = arnOf(stack.storage.table);
    const indexes = [
      TABLE_KEYS.retentionIndex,
      TABLE_KEYS.userIdIndex,
      TABLE_KEYS.listIndex,
      TABLE_KEYS.lookupIndex,
    ].map((index) => ({ "Fn::Join": ["", [table, `/index/${index.name}`]] }));
    for (const name of ["worker", "api"] as const) {
      const statement = statementsOf(name).find((s) => actionsOf(s).includes("dynamodb:Query"));
      expect(resourcesOf(statement!), name).toEqual([table, ...indexes]);
    }
    expect(statementsOf("authorizer").some((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")))).toBe(
      false,
    );
  });

  it("grants each function only the DynamoDB actions it uses: no scans, batch writes or deletes at the edge", () => {
    const dynamoActions = (name: keyof ReturnType<typeof functions>) =>
      statementsOf(name)
        .flatMap(actionsOf)
        .filter((action) => action.startsWith("dynamodb:"))
        .sort();
    const reads = ["dynamodb:GetItem", "dynamodb:Query"];
    const writes = ["dynamodb:PutItem", "dynamodb:UpdateItem"];
    expect(dynamoActions("api")).toEqual([...reads, ...writes].sort());
    expect(dynamoActions("webhook")).toEqual(writes);
    expect(dynamoActions("sweeper")).toEqual([...reads, ...writes].sort());
    expect(dynamoActions("reconciler")).toEqual([...reads, ...writes].sort());
    expect(dynamoActions("worker")).toEqual([...reads, ...writes, "dynamodb:DeleteItem"].sort());
    expect(dynamoActions("authorizer")).toEqual([]);
    for (const name of Object.keys(functions()) as Array<keyof ReturnType<typeof functions>>)
      for (const never of ["dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"])
        expect(dynamoActions(name), name).not.toContain(never);
  });

  it("lets the webhook send only to the urgent queue, the sweeper to both, and the authorizer to none", () => {
    const sendTargets = (name: keyof ReturnType<typeof functions>) =>
      statementsOf(name)
        .filter((s) => actionsOf(s).includes("sqs:SendMessage"))
        .flatMap(resourcesOf);
    expect(sendTargets("webhook")).toEqual([arnOf(stack.pipeline.urgentQueue)]);
    expect(sendTargets("authorizer")).toEqual([]);
    // The sweeper queues deletions and re-sends any accepted job whose send was lost (either lane).
    expect(sendTargets("sweeper")).toEqual(
      expect.arrayContaining([arnOf(stack.pipeline.urgentQueue), arnOf(stack.pipeline.bulkQueue)]),
    );
  });

  it("uses no AWS managed policies on function roles", () => {
    for (const fn of Object.values(functions())) {
      const role = template.findResources("AWS::IAM::Role")[logicalIdOf(fn.role!)];
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe("secrets", () => {
  it("bakes no secret value into the template", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      Description: Match.stringLikeRegexp("Dialpad Admin API key"),
      GenerateSecretString: Match.objectLike({ PasswordLength: Match.anyValue() }),
      SecretString: Match.absent(),
    });
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: "current",
        SecretStringTemplate: '{"previous":""}',
      }),
      SecretString: Match.absent(),
    });
    // The only literal value is the empty client list, which grants nothing.
    const literals = Object.values(template.findResources("AWS::SecretsManager::Secret"))
      .map((secret) => secret.Properties.SecretString)
      .filter((value) => value !== undefined);
    expect(literals).toEqual([EMPTY_CLIENT_TOKENS_DOCUMENT]);
  });
});

describe("schedules", () => {
  it("run the sweeper every 15 minutes and the reconciler daily, with retries and a DLQ", () => {
    for (const expression of ["rate(15 minutes)", "cron(0 3 * * ? *)"]) {
      template.hasResourceProperties("AWS::Scheduler::Schedule", {
        ScheduleExpression: expression,
        State: "ENABLED",
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: arnOf(stack.schedules.deadLetterQueue) },
        }),
      });
    }
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(15 minutes)",
      Target: Match.objectLike({ Arn: arnOf(stack.schedules.sweeper) }),
    });
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: ref(stack.schedules.sweeper),
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.schedules.deadLetterQueue) } },
    });
  });
});

describe("REST API", () => {
  const methodFor = (path: string, httpMethod: string) => {
    const resources = template.findResources("AWS::ApiGateway::Resource");
    const segments = path.split("/").filter(Boolean);
    let parent: unknown = { "Fn::GetAtt": [logicalIdOf(stack.api.restApi), "RootResourceId"] };
    let resourceId = "";
    for (const segment of segments) {
      const found = Object.entries(resources).find(
        ([, r]) =>
          r.Properties.PathPart === segment &&
          JSON.stringify(r.Properties.ParentId) === JSON.stringify(parent),
      );
      if (!found) throw new Error(`no resource for ${segment} in ${path}`);
      resourceId = found[0];
      parent = { Ref: resourceId };
    }
    const methods = template.findResources("AWS::ApiGateway::Method", {
      Properties: { HttpMethod: httpMethod, ResourceId: { Ref: resourceId } },
    });
    const method = Object.values(methods)[0];
    if (!method) throw new Error(`no ${httpMethod} ${path}`);
    return method.Properties;
  };

  const scoped = ROUTES.filter((route) => route.scope !== undefined);
  const authorizerOfType = (type: "TOKEN" | "REQUEST") =>
    Object.keys(template.findResources("AWS::ApiGateway::Authorizer", { Properties: { Type: type } }));
  it.each(scoped.filter((route) => route.wire !== "scim").map((route) => [route.path, route.method]))(
    "%s %s goes through the token authorizer to the API function",
    (path, httpMethod) => {
      const method = methodFor(path, httpMethod);
      expect(method.AuthorizationType).toBe("CUSTOM");
      expect(method.AuthorizerId).toEqual({ Ref: authorizerOfType("TOKEN")[0] });
      expect(JSON.stringify(method.Integration.Uri)).toContain(logicalIdOf(stack.api.apiFunction));
    },
  );

  it.each(scoped.filter((route) => route.wire === "scim").map((route) => [route.path, route.method]))(
    "%s %s goes through the SCIM request authorizer (every request, never cached) to the API function",
    (path, httpMethod) => {
      const method = methodFor(path, httpMethod);
      expect(method.AuthorizationType).toBe("CUSTOM");
      expect(method.AuthorizerId).toEqual({ Ref: authorizerOfType("REQUEST")[0] });
      expect(JSON.stringify(method.Integration.Uri)).toContain(logicalIdOf(stack.api.apiFunction));
    },
  );

  it("runs the SCIM authorizer on every request: no identity source, no cache, the same function", () => {
    const [request] = authorizerOfType("REQUEST");
    const properties = template.findResources("AWS::ApiGateway::Authorizer")[request ?? ""]?.Properties;
    expect(properties.AuthorizerResultTtlInSeconds).toBe(0);
    expect(properties.IdentitySource ?? "").toBe("");
    expect(JSON.stringify(properties.AuthorizerUri)).toContain(logicalIdOf(stack.api.authorizerFunction));
  });

  it("gives SCIM's methods their own throttle of at least 50 requests/s", () => {
    const [stage] = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    const settings: { ResourcePath: string; HttpMethod: string; ThrottlingRateLimit?: number }[] =
      stage?.Properties.MethodSettings ?? [];
    const scimMethods = ROUTES.filter((route) => route.wire === "scim");
    expect(scimMethods.length).toBeGreaterThan(0);
    for (const route of scimMethods) {
      const setting = settings.find(
        (entry) =>
          entry.HttpMethod === route.method && entry.ResourcePath === `/${route.path.replaceAll("/", "~1")}`,
      );
      expect(setting?.ThrottlingRateLimit, `${route.method} ${route.path}`).toBeGreaterThanOrEqual(50);
    }
  });

  it("has exactly the methods of the route table", () => {
    template.resourceCountIs("AWS::ApiGateway::Method", ROUTES.length);
    expect(scoped.map((route) => route.path)).toEqual(
      expect.arrayContaining(["/v1/onboard", "/v1/offboard", "/v1/jobs/{job_id}", "/v1/users/{email}"]),
    );
  });

  it("leaves health and the Dialpad webhook without the authorizer", () => {
    expect(methodFor("/v1/health", "GET").AuthorizationType).toBe("NONE");
    const webhook = methodFor("/v1/webhooks/dialpad", "POST");
    expect(webhook.AuthorizationType).toBe("NONE");
    expect(JSON.stringify(webhook.Integration.Uri)).toContain(logicalIdOf(stack.api.webhookFunction));
  });

  it("leaves request validation to the API function (one schema, one error code)", () => {
    template.resourceCountIs("AWS::ApiGateway::RequestValidator", 0);
    template.resourceCountIs("AWS::ApiGateway::Model", 0);
  });

  it("caches authorizer answers for 300 s, keyed on the Authorization header", () => {
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "TOKEN",
      IdentitySource: "method.request.header.Authorization",
      AuthorizerResultTtlInSeconds: 300,
    });
    const [authorizer] = Object.values(template.findResources("AWS::ApiGateway::Authorizer"));
    expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain(
      logicalIdOf(stack.api.authorizerFunction),
    );
  });

  it("throttles the stage and writes JSON access logs", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "prod",
      AccessLogSetting: {
        DestinationArn: arnOf(stack.api.accessLogs),
        Format: Match.stringLikeRegexp('"requestId"'),
      },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, MetricsEnabled: true }),
      ]),
    });
  });

  it("answers API Gateway's own errors in the product's error shape", () => {
    for (const error of GATEWAY_ERRORS) {
      template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
        ResponseType: error.type.responseType,
        ResponseTemplates: {
          "application/json": Match.serializedJson({ error: { code: error.code, message: error.message } }),
        },
      });
    }
  });

  it("puts its own web ACL on the stage by default: a per-client rate rule (offboarding exempt) and a per-IP one", () => {
    template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 1);
    template.hasResourceProperties("AWS::WAFv2::WebACL", {
      Scope: "REGIONAL",
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: "ClientRate",
          Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: "throttled" } } },
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 3000,
              AggregateKeyType: "CUSTOM_KEYS",
              CustomKeys: [{ Header: Match.objectLike({ Name: "authorization" }) }],
              ScopeDownStatement: {
                NotStatement: {
                  Statement: {
                    OrStatement: {
                      Statements: [
                        {
                          ByteMatchStatement: Match.objectLike({
                            SearchString: "/v1/offboard",
                            PositionalConstraint: "ENDS_WITH",
                          }),
                        },
                        { ByteMatchStatement: Match.objectLike({ SearchString: "/scim/v2/" }) },
                      ],
                    },
                  },
                },
              },
            }),
          },
        }),
        Match.objectLike({
          Name: "IpRate",
          Statement: { RateBasedStatement: Match.objectLike({ Limit: 6000, AggregateKeyType: "IP" }) },
        }),
        Match.objectLike({ Name: "ScimClientRate" }),
        Match.objectLike({ Name: "ScimIpRate" }),
      ],
    });
  });

  it("lets each SCIM client (token) and each IP at least 50 requests/s on /scim/v2, answering 429 in SCIM's shape", () => {
    const [acl] = Object.values(template.findResources("AWS::WAFv2::WebACL"));
    const rules: {
      Name: string;
      Action: unknown;
      Statement: { RateBasedStatement: Record<string, unknown> };
    }[] = acl?.Properties.Rules ?? [];
    for (const name of ["ScimClientRate", "ScimIpRate"]) {
      const rule = rules.find((candidate) => candidate.Name === name);
      expect(rule?.Statement.RateBasedStatement.Limit, name).toBeGreaterThanOrEqual(50 * 300);
      expect(JSON.stringify(rule?.Statement.RateBasedStatement.ScopeDownStatement)).toContain("/scim/v2/");
      expect(rule?.Action).toMatchObject({
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: "scim_throttled" } },
      });
    }
    const body = acl?.Properties.CustomResponseBodies.scim_throttled;
    expect(JSON.parse(body.Content)).toMatchObject({
      status: "429",
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    });
  });

  it("samples no request of the rule keyed on the bearer token (its metrics stay)", () => {
    const [acl] = Object.values(template.findResources("AWS::WAFv2::WebACL"));
    const rules: { Name: string; VisibilityConfig: Record<string, unknown> }[] = acl?.Properties.Rules ?? [];
    const keyedOnAuthorization = rules.filter((rule) => JSON.stringify(rule).includes('"authorization"'));
    expect(keyedOnAuthorization.map((rule) => rule.Name)).toEqual(["ClientRate", "ScimClientRate"]);
    for (const rule of keyedOnAuthorization)
      expect(rule.VisibilityConfig).toMatchObject({
        SampledRequestsEnabled: false,
        CloudWatchMetricsEnabled: true,
      });
  });
});

describe("observability", () => {
  const alarmTopic = () => ref(stack.observability.alarmTopic);

  it("sends every alarm to the SNS topic", () => {
    template.allResourcesProperties("AWS::CloudWatch::Alarm", { AlarmActions: [alarmTopic()] });
  });

  it.each([
    ["urgent", () => stack.pipeline.urgentDeadLetterQueue],
    ["bulk", () => stack.pipeline.bulkDeadLetterQueue],
    ["scheduled runs", () => stack.schedules.deadLetterQueue],
  ])("alarms when the %s DLQ is not empty", (_name, dlq) => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalIdOf(dlq()), "QueueName"] } }],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
  });

  it("alarms when the oldest urgent or bulk message is too old", () => {
    for (const [queue, threshold] of [
      [stack.pipeline.urgentQueue, 300],
      [stack.pipeline.bulkQueue, 3600],
    ] as const) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "ApproximateAgeOfOldestMessage",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalIdOf(queue), "QueueName"] } }],
        Threshold: threshold,
      });
    }
  });

  it("alarms on Dialpad 429s, low seats and API 4xx spikes", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC_NAMES.dialpad429s,
      Statistic: "Sum",
      Threshold: 10,
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC_NAMES.seatsLeft,
      Statistic: "Minimum",
      ComparisonOperator: "LessThanOrEqualToThreshold",
      Threshold: 5,
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/ApiGateway",
      MetricName: "4XXError",
      Threshold: 50,
    });
  });

  it("alarms as soon as the mass-change guard holds a job", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC_NAMES.jobsHeld,
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
  });

  it("alarms on any job failure, summed over every job kind", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp("onboard.*offboard.*delete") }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              Namespace: METRICS_NAMESPACE,
              MetricName: METRIC_NAMES.jobsFailed,
              Dimensions: Match.arrayWith([{ Name: "kind", Value: "delete" }]),
            }),
          }),
        }),
      ]),
    });
  });

  it("draws the dashboard from API, queue, worker and EMF metrics", () => {
    const dashboards = template.findResources("AWS::CloudWatch::Dashboard");
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);
    for (const needle of [
      "AWS/ApiGateway",
      "5XXError",
      "Latency",
      "ApproximateAgeOfOldestMessage",
      "ApproximateNumberOfMessagesVisible",
      "ConcurrentExecutions",
      "Duration",
      METRICS_NAMESPACE,
      ...Object.values(METRIC_NAMES),
    ]) {
      expect(body, needle).toContain(needle);
    }
  });
});

describe("outputs", () => {
  it.each([
    "ApiUrl",
    "WebhookUrl",
    "DialpadApiKeySecretArn",
    "WebhookSecretArn",
    "ClientTokensSecretArn",
    "DashboardUrl",
    "AlarmTopicArn",
  ])("exports %s", (name) => {
    template.hasOutput(name, { Value: Match.anyValue() });
  });
});

describe("cdk-nag AWS Solutions", () => {
  it("has zero unacknowledged errors or warnings", () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it("gives every acknowledgement a specific reason", () => {
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter((entry) => entry.type === "aws:cdk:acknowledged-rules"),
      )
      .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(JSON.stringify(reason).length, id).toBeGreaterThan(40);
    }
  });
});
