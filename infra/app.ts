/**
 * The CDK app entry (`cdk.json` runs it with tsx). The only module with side effects: it builds the
 * app and the stack; every other module in infra/ only defines. cdk-nag's AWS Solutions pack runs as
 * a policy-validation plugin, so any unacknowledged finding stops the synth.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { LifecycleStack } from "./lifecycle-stack";

const app = new App();
new LifecycleStack(app, app.node.tryGetContext("stackName") ?? "DialpadLifecycle", {
  description: "dialpad-lifecycle: Dialpad user onboarding/offboarding automation",
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
