/**
 * The Jobs graph and the job failure alarm cover every job kind of shared/lifecycle/job-kinds.ts:
 * a failed mover (`update`) or import pages the operators like a failed onboarding, and a kind
 * added to the registry is graphed and alarmed on without touching the stack.
 */
import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { JOB_KIND_NAMES } from "../../shared/lifecycle/job-kinds";
import { METRIC_NAMES } from "../../shared/observability/metric-names";
import { synthesizeStack } from "./stack-fixture";

interface AlarmMetric {
  Expression?: string;
  MetricStat?: { Metric: { MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> } };
}
interface Widget {
  properties: { title?: string; metrics?: unknown[][] };
}

/** The `kind` dimension of each metric of the JobFailuresAlarm. */
function alarmedKinds(template: Template): string[] {
  const alarms = Object.entries(template.findResources("AWS::CloudWatch::Alarm"));
  const [, alarm] = alarms.find(([id]) => id.includes("JobFailuresAlarm")) ?? [];
  const metrics = (alarm?.Properties.Metrics ?? []) as AlarmMetric[];
  return metrics.flatMap(
    (metric) =>
      metric.MetricStat?.Metric.Dimensions?.filter((dimension) => dimension.Name === "kind").map(
        (dimension) => dimension.Value,
      ) ?? [],
  );
}

/** The dashboard's widgets (its body is a join of text and tokens: each token becomes "token"). */
function dashboardWidgets(template: Template): Widget[] {
  const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
  const body = dashboard?.Properties.DashboardBody as { "Fn::Join": [string, unknown[]] } | string;
  const text =
    typeof body === "string"
      ? body
      : body["Fn::Join"][1].map((part) => (typeof part === "string" ? part : "token")).join("");
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** The kinds whose JobsFailed metric the Jobs graph draws, one line each. */
function graphedFailedKinds(template: Template): string[] {
  const jobs = dashboardWidgets(template).find((widget) => widget.properties.title === "Jobs");
  return (jobs?.properties.metrics ?? [])
    .filter((metric) => metric.includes(METRIC_NAMES.jobsFailed) && metric.includes("kind"))
    .map((metric) => String(metric[metric.indexOf("kind") + 1]));
}

describe("the stack's job metrics", () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthesizeStack());
  }, 120_000);

  it("alarm on a failed job of every kind, movers and imports included", () => {
    const kinds = alarmedKinds(template);
    expect(kinds).toEqual(expect.arrayContaining(["update", "import"]));
    expect([...kinds].sort()).toEqual([...JOB_KIND_NAMES].sort());
  });

  it("graph the failed jobs of every kind, movers and imports included", () => {
    const kinds = graphedFailedKinds(template);
    expect(kinds).toEqual(expect.arrayContaining(["update", "import"]));
    expect([...new Set(kinds)].sort()).toEqual([...JOB_KIND_NAMES].sort());
  });

  it("follow the registry: a stack built for another list of kinds graphs and alarms on that list", () => {
    const { template: other } = synthesizeStack({ jobKinds: [...JOB_KIND_NAMES, "ping"] });
    expect(alarmedKinds(other)).toContain("ping");
    expect(graphedFailedKinds(other)).toContain("ping");
  });
});
