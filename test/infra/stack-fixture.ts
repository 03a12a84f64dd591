/**
 * Builds the production stack for the infra tests. Bundling every function with esbuild and CDK's
 * built-in CloudFormation template validation (a WASM engine, several CPU-seconds) are the slow parts,
 * so each test file synthesizes once (in `beforeAll`) and only the main file does both; the others
 * skip bundling (CDK's `aws:cdk:bundling-stacks` context) and the template validation.
 */
import { App, type CfnElement, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { LifecycleStack } from "../../infra/lifecycle-stack";

export function synthesizeStack(
  options: { context?: Record<string, unknown>; bundle?: boolean; jobKinds?: readonly string[] } = {},
) {
  const app = new App({
    context: { ...options.context, ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }) },
    // A template CloudFormation would reject fails the synth (and so the main test file).
    builtinCloudFormationValidation: options.bundle === true,
  });
  const stack = new LifecycleStack(app, "TestLifecycle", {
    env: { account: "123456789012", region: "eu-west-1" },
    ...(options.jobKinds ? { jobKinds: options.jobKinds } : {}),
  });
  const template = Template.fromStack(stack);
  return { app, stack, template };
}

export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** cdk-nag's AWS Solutions findings that are not acknowledged, as `rule @ path` lines. */
export function unacknowledgedNagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.severity} ${violation.ruleName} @ ${resource.constructPath}`,
    ),
  );
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM statement attached (through AWS::IAM::Policy) to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.values(policies).flatMap((policy) => {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    const attached = roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }));
    return attached ? (policy.Properties.PolicyDocument.Statement as Statement[]) : [];
  });
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}
