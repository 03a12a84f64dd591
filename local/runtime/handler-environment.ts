/**
 * The environment the Lambda handlers read (shared/config.ts names), built from local mode's
 * settings and what it started: the local table and queues, the engines' endpoints, fake AWS
 * credentials, the Dialpad target and the secrets by value (in AWS they are ARNs). Handlers build
 * themselves from process.env on first use, so this is applied before any handler is loaded.
 */
import { hashToken } from "../../shared/auth/hash-token";
import { SCOPES } from "../../shared/auth/scopes";
import type { Lane } from "../../shared/lifecycle/ports";
import { LOCAL_REGION } from "./lambda-context";
import { LOCAL_CREDENTIALS } from "./local-aws";

export interface HandlerEnvironmentInput {
  tableName: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  queueUrls: Record<Lane, string>;
  callbackQueueUrl: string;
  /** The local client's callback key (signs its callbacks, scheme v2, client name "local"). */
  localCallbackKey: string;
  callbackRetryBaseSeconds: number;
  maxReceives: number;
  dialpadBaseUrl: string;
  dialpadApiKey: string;
  webhookSecret: string;
  apiToken: string;
  rateLimitRps: number;
  retentionDays: number;
}

/** The client the local token belongs to, with every scope. */
export const LOCAL_CLIENT_NAME = "local";

export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  return {
    TABLE_NAME: input.tableName,
    DYNAMODB_ENDPOINT: input.dynamodbEndpoint,
    SQS_ENDPOINT: input.sqsEndpoint,
    URGENT_QUEUE_URL: input.queueUrls.urgent,
    BULK_QUEUE_URL: input.queueUrls.bulk,
    JOB_MAX_RECEIVES: String(input.maxReceives),
    CALLBACK_QUEUE_URL: input.callbackQueueUrl,
    // Local mode only: callbacks may go to this machine (and over http there).
    CALLBACK_ALLOW_LOOPBACK: "true",
    CALLBACK_RETRY_BASE_SECONDS: String(input.callbackRetryBaseSeconds),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DIALPAD_BASE_URL: input.dialpadBaseUrl,
    DIALPAD_API_KEY: input.dialpadApiKey,
    DIALPAD_RATE_LIMIT_RPS: String(input.rateLimitRps),
    DIALPAD_WEBHOOK_SECRET: input.webhookSecret,
    RETENTION_DAYS: String(input.retentionDays),
    CLIENT_TOKENS: JSON.stringify({
      clients: [
        {
          name: LOCAL_CLIENT_NAME,
          token_sha256: hashToken(input.apiToken),
          scopes: [...SCOPES],
          // Every scope includes `scim`, whose offboards the mass-change guard would count by default:
          // the local token stays unguarded, as before; a client added with --scopes scim is guarded.
          mass_offboard_limit: 0,
          callback_key: input.localCallbackKey,
        },
      ],
    }),
    // EMF metrics only mean something to CloudWatch; locally they would bury the logs.
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

/**
 * Variables that would send a handler to AWS instead of the local engines and values: secret ARNs
 * (they win over values), a session token or profile that does not belong to the fake keys.
 */
export const AWS_ONLY_VARIABLES = [
  "DIALPAD_API_KEY_SECRET_ARN",
  "WEBHOOK_SECRET_ARN",
  "CLIENT_TOKENS_SECRET_ARN",
  "EVENT_BUS_NAME",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
] as const;

export function applyHandlerEnvironment(
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
) {
  for (const name of AWS_ONLY_VARIABLES) delete env[name];
  Object.assign(env, values);
}
