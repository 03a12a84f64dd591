/**
 * Job-finished notifications in the stack: the callback queue and its DLQ, the notifier consuming it,
 * reading the client registry (its callback keys) and no other secret, the worker's least-privilege right to announce (send to the
 * callback queue, PutEvents on the default bus only), the CallbackFailures alarm, and cdk-nag.
 */
import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import type { LifecycleStack } from "../../infra/lifecycle-stack";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
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
beforeAll(() => {
  ({ stack, template } = synthesizeStack());
});

const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  "Fn::GetAtt": [logicalIdOf(construct), "Arn"],
});
const statementsOf = (fn: { role?: Parameters<typeof logicalIdOf>[0] }) => {
  if (!fn.role) throw new Error("no role");
  return statementsOfRole(template, logicalIdOf(fn.role));
};
const envOf = (fn: Parameters<typeof logicalIdOf>[0]) =>
  template.toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables as Record<string, unknown>;

describe("callback queue", () => {
  it("is encrypted, redrives to its DLQ and is drained by the notifier with partial batch responses", () => {
    const { callbackQueue, callbackDeadLetterQueue, notifier } = stack.notifications;
    template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arnOf(callbackDeadLetterQueue), maxReceiveCount: 5 },
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arnOf(callbackQueue),
      FunctionName: ref(notifier),
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(envOf(notifier).CALLBACK_QUEUE_URL).toEqual(ref(callbackQueue));
    expect(envOf(notifier).CALLBACK_ALLOW_LOOPBACK).toBe("false");
  });
});

describe("least privilege", () => {
  it("lets the notifier read the client registry (callback keys), only that secret and only by reading", () => {
    const registry = ref(stack.storage.clientTokensSecret);
    const statements = statementsOf(stack.notifications.notifier);
    const secretStatements = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith("secretsmanager:")),
    );
    expect(secretStatements.flatMap(resourcesOf)).toEqual([registry]);
    expect(secretStatements.flatMap(actionsOf).sort()).toEqual([
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
    ]);
    expect(envOf(stack.notifications.notifier).CLIENT_TOKENS_SECRET_ARN).toEqual(registry);
    expect(Object.keys(envOf(stack.notifications.notifier))).not.toContain("CALLBACK_SIGNING_SECRET_ARN");
  });

  it("lets the worker put events on the default bus only, and send to the callback queue", () => {
    const worker = stack.pipeline.worker;
    const putEvents = statementsOf(worker).filter((statement) =>
      actionsOf(statement).includes("events:PutEvents"),
    );
    expect(putEvents).toHaveLength(1);
    expect(JSON.stringify(resourcesOf(putEvents[0] as never))).toMatch(/:event-bus\/default"/);
    expect(envOf(worker).EVENT_BUS_NAME).toBe("default");
    expect(envOf(worker).CALLBACK_QUEUE_URL).toEqual(ref(stack.notifications.callbackQueue));
    const sendsToCallbacks = statementsOf(worker).some(
      (statement) =>
        actionsOf(statement).includes("sqs:SendMessage") &&
        resourcesOf(statement).some(
          (resource) => JSON.stringify(resource) === JSON.stringify(arnOf(stack.notifications.callbackQueue)),
        ),
    );
    expect(sendsToCallbacks).toBe(true);
  });

  it("gives the notifier no Dialpad key and no table writes", () => {
    const statements = statementsOf(stack.notifications.notifier);
    const actions = statements.flatMap(actionsOf);
    expect(actions).not.toContain("dynamodb:PutItem");
    expect(actions).not.toContain("dynamodb:UpdateItem");
    const dialpadKey = JSON.stringify(ref(stack.storage.dialpadApiKeySecret));
    expect(JSON.stringify(statements)).not.toContain(dialpadKey);
  });
});

describe("observability", () => {
  it("alarms on CallbackFailures and on a non-empty callback DLQ", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: METRIC_NAMES.callbackFailures,
      Statistic: "Sum",
      Threshold: 5,
      AlarmActions: [ref(stack.observability.alarmTopic)],
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [logicalIdOf(stack.notifications.callbackDeadLetterQueue), "QueueName"] },
        },
      ],
      Threshold: 1,
    });
  });

  it("draws CallbackFailures on the dashboard", () => {
    const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    expect(JSON.stringify(dashboards)).toContain(`\\"${METRIC_NAMES.callbackFailures}\\"`);
  });
});

describe("cdk-nag", () => {
  it("has no unacknowledged finding", () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});
