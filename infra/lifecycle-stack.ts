/**
 * The one stack of the service, composed of its constructs: storage (stateful), pipeline, api,
 * schedules and observability. Settings come from CDK context (see stack-settings.ts) unless a
 * caller (a test) passes them. No physical names are hard-coded: CloudFormation names everything.
 */
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { JOB_KIND_NAMES } from "../shared/lifecycle/job-kinds";
import { Api } from "./constructs/api";
import { Notifications } from "./constructs/notifications";
import { Observability } from "./constructs/observability";
import { Pipeline } from "./constructs/pipeline";
import { Schedules } from "./constructs/schedules";
import { Storage } from "./constructs/storage";
import { applyStackWideSuppressions } from "./nag-suppressions";
import { readStackSettings, type StackSettings } from "./stack-settings";

export interface LifecycleStackProps extends StackProps {
  /** Overrides the settings read from context. */
  readonly settings?: StackSettings;
  /** The job kinds graphed and alarmed on; default: the service's own (shared/lifecycle/job-kinds.ts). */
  readonly jobKinds?: readonly string[];
}

export class LifecycleStack extends Stack {
  readonly settings: StackSettings;
  readonly storage: Storage;
  readonly pipeline: Pipeline;
  readonly notifications: Notifications;
  readonly api: Api;
  readonly schedules: Schedules;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: LifecycleStackProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? readStackSettings(this.node);
    this.settings = settings;

    this.storage = new Storage(this, "Storage");
    const { table, dialpadApiKeySecret, webhookSecret, clientTokensSecret } = this.storage;

    this.pipeline = new Pipeline(this, "Pipeline", { settings, table, dialpadApiKeySecret });
    const { urgentQueue, bulkQueue } = this.pipeline;
    this.notifications = new Notifications(this, "Notifications", {
      settings,
      table,
      worker: this.pipeline.worker,
      clientTokensSecret,
    });

    this.api = new Api(this, "Api", {
      settings,
      table,
      urgentQueue,
      bulkQueue,
      webhookSecret,
      clientTokensSecret,
    });
    this.schedules = new Schedules(this, "Schedules", {
      settings,
      table,
      urgentQueue,
      bulkQueue,
      dialpadApiKeySecret,
    });

    this.observability = new Observability(this, "Observability", {
      settings,
      jobKinds: props.jobKinds ?? JOB_KIND_NAMES,
      restApi: this.api.restApi,
      worker: this.pipeline.worker,
      functions: {
        api: this.api.apiFunction,
        authorizer: this.api.authorizerFunction,
        webhook: this.api.webhookFunction,
        worker: this.pipeline.worker,
        sweeper: this.schedules.sweeper,
        reconciler: this.schedules.reconciler,
        notifier: this.notifications.notifier,
      },
      urgentQueue,
      bulkQueue,
      urgentDeadLetterQueue: this.pipeline.urgentDeadLetterQueue,
      bulkDeadLetterQueue: this.pipeline.bulkDeadLetterQueue,
      scheduleDeadLetterQueue: this.schedules.deadLetterQueue,
      callbackDeadLetterQueue: this.notifications.callbackDeadLetterQueue,
    });

    applyStackWideSuppressions(this);

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output("ApiUrl", this.api.baseUrl, "Base URL of the v1 API (append onboard, offboard, jobs/{id}, ...)");
    output("WebhookUrl", this.api.webhookUrl, "Register this URL with Dialpad (POST /webhooks hook_url)");
    output("DialpadApiKeySecretArn", dialpadApiKeySecret.secretArn, "Put the Dialpad API key here");
    output("WebhookSecretArn", webhookSecret.secretArn, 'Webhook signing secret(s): {"current","previous"}');
    output(
      "ClientTokensSecretArn",
      clientTokensSecret.secretArn,
      "API clients: token hashes, scopes and callback keys (edit with npm run client-token)",
    );
    output("DashboardUrl", this.observability.dashboardUrl(), "CloudWatch dashboard");
    output("AlarmTopicArn", this.observability.alarmTopic.topicArn, "Subscribe on-call to this topic");
  }
}
