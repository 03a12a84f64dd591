/**
 * The stack's context settings: defaults, overrides (as the CLI passes them, strings), and the options
 * that change the shape of the stack (WAF, X-Ray). Bundling is skipped: these tests look at settings,
 * not code.
 */
import { App } from "aws-cdk-lib";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import type { LifecycleStack } from "../../infra/lifecycle-stack";
import { readStackSettings } from "../../infra/stack-settings";
import { synthesizeStack, unacknowledgedNagFindings } from "./stack-fixture";

const WEB_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/lifecycle/0123";

describe("context overrides", () => {
  let stack: LifecycleStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthesizeStack({
      context: {
        stage: "v1test",
        wafWebAclArn: WEB_ACL,
        xrayTracing: "true",
        sweepIntervalMinutes: "5",
        apiThrottleRateLimit: "7",
        apiThrottleBurstLimit: "14",
        dialpadRateLimitRps: "19",
        dialpadLatencyMs: "1000",
        urgentBatchSize: "2",
        workerTimeoutSeconds: "120",
        alarmEmail: "oncall@example.com",
        removalsPerClientAlarmThreshold: "7",
      },
    }));
  });

  it("associates the given WAF web ACL with the API stage, and nag stays clean", () => {
    template.hasResourceProperties("AWS::WAFv2::WebACLAssociation", {
      WebACLArn: WEB_ACL,
      ResourceArn: Match.anyValue(),
    });
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
    // The account's web ACL replaces ours.
    template.resourceCountIs("AWS::WAFv2::WebACL", 0);
  });

  it("turns on X-Ray for every function and the stage", () => {
    template.allResourcesProperties("AWS::Lambda::Function", { TracingConfig: { Mode: "Active" } });
    template.hasResourceProperties("AWS::ApiGateway::Stage", { StageName: "v1test", TracingEnabled: true });
  });

  it("applies the throttling, schedule and rate budget from context", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 14 }),
      ]),
    });
    template.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "rate(5 minutes)" });
    // 19 req/s × 1 s = 19 calls in flight, 2 records per urgent invocation → 10.
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 2,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    template.hasResourceProperties("AWS::SQS::Queue", { VisibilityTimeout: 720 });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "oncall@example.com",
    });
  });

  it("alarms on one client's offboards and deletions at the configured threshold, graphed per client", () => {
    const perClient =
      'SELECT SUM(OffboardsAndDeletions) FROM SCHEMA("DialpadLifecycle", client, kind, service) GROUP BY client';
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Metrics: [Match.objectLike({ Expression: perClient, Period: 300, ReturnData: true })],
      Threshold: 7,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp("AlarmTopic") }],
    });
    const dashboards = JSON.stringify(template.findResources("AWS::CloudWatch::Dashboard"));
    expect(dashboards).toContain("Offboards and deletions per client");
    expect(dashboards).toContain("SELECT SUM(OffboardsAndDeletions)");
  });
});

describe("readStackSettings", () => {
  it("has defaults for everything", () => {
    const settings = readStackSettings(new App().node);
    expect(settings).toMatchObject({
      stage: "prod",
      sweepIntervalMinutes: 15,
      dialpadRateLimitRps: 15,
      xrayTracing: false,
      removalsPerClientAlarmThreshold: 20,
    });
    expect(settings.wafWebAclArn).toBeUndefined();
  });

  it("names the bad context key (a budget of 20/s leaves no slack under Dialpad's 20)", () => {
    const app = new App({ context: { dialpadRateLimitRps: "20", sweepIntervalMinutes: "often" } });
    expect(() => readStackSettings(app.node)).toThrow(/dialpadRateLimitRps[\s\S]*sweepIntervalMinutes/);
  });
});

describe("WAF turned off", () => {
  it("creates and associates no web ACL, and nag stays clean (the finding is acknowledged)", () => {
    const { stack, template } = synthesizeStack({ context: { waf: "false" } });
    template.resourceCountIs("AWS::WAFv2::WebACL", 0);
    template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});
