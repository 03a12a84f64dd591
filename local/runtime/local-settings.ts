/**
 * The settings of local mode (`npm start`), validated once with zod before anything starts: every
 * variable is optional, and a bad value stops start-up with a message naming the variable. The
 * Dialpad and lifecycle variables reuse the rules of shared/config.ts, so local mode accepts exactly
 * what the Lambda functions accept.
 */
import { randomBytes } from "node:crypto";
import * as z from "zod";
import { dialpadSettings, lifecycleSettings, loadConfig } from "../../shared/config";

/**
 * The token printed at start when LOCAL_API_TOKEN is not set and the Dialpad is the embedded
 * sandbox; the walk-through uses it. Pointed at a real Dialpad (DIALPAD_BASE_URL), a well-known
 * all-scope token would let anyone on the machine change real users: the token is random then.
 */
export const DEFAULT_LOCAL_API_TOKEN = "local-dev-token";

const port = z.coerce.number().int().min(0).max(65_535);
const seconds = z.coerce.number().int().positive().max(86_400);

export const localSettingsSchema = z.object({
  /** 0 = any free port (the tests use it); the ready line prints the one chosen. */
  PORT: port.default(3000),
  /** The sandbox's port when it is embedded; 0 = any free port. */
  SANDBOX_PORT: port.default(0),
  /** Same characters API Gateway's authorizer accepts in a bearer token. */
  LOCAL_API_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9\-._~+/]+=*$/, "letters, digits and - . _ ~ + / only")
    .min(8)
    .optional(),
  /** Unset: the embedded Dialpad sandbox. Set: that Dialpad-compatible server (no sandbox). */
  DIALPAD_BASE_URL: z.url().optional(),
  DIALPAD_API_KEY: z.string().min(1).optional(),
  /**
   * Engines already running (e.g. behind a fault-injecting proxy): set both and local mode starts
   * neither DynamoDB Local nor the SQS server, and creates its table and queues there.
   */
  LOCAL_DYNAMODB_ENDPOINT: z.url().optional(),
  LOCAL_SQS_ENDPOINT: z.url().optional(),
  DIALPAD_WEBHOOK_SECRET: z.string().min(1).optional(),
  DIALPAD_RATE_LIMIT_RPS: dialpadSettings.shape.DIALPAD_RATE_LIMIT_RPS,
  RETENTION_DAYS: lifecycleSettings.shape.RETENTION_DAYS,
  /** Checked here so a bad value stops start-up; the worker reads the same variables. */
  NUMBER_PARKING_TARGET: lifecycleSettings.shape.NUMBER_PARKING_TARGET,
  NUMBERS_ON_DELETE: lifecycleSettings.shape.NUMBERS_ON_DELETE,
  /**
   * The local client's callback key (signs the callbacks of jobs asked with LOCAL_API_TOKEN); unset:
   * a random key per start (those callbacks cannot be verified then).
   */
  LOCAL_CALLBACK_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{16,128}$/, "16-128 printable characters without spaces")
    .optional(),
  /** Delay before a failed callback's first retry (it doubles per attempt). */
  CALLBACK_RETRY_BASE_SECONDS: seconds.max(3600).default(30),
  SWEEP_INTERVAL_SECONDS: seconds.default(60),
  RECONCILE_INTERVAL_SECONDS: seconds.default(3600),
});

export type LocalSettings = z.output<typeof localSettingsSchema> & { LOCAL_API_TOKEN: string };

/** Throws ConfigError naming each bad variable (and DIALPAD_API_KEY when a server is set without one). */
export function loadLocalSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  // An empty variable (`PORT= npm start`) means "not set", as in a shell profile.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const schema = localSettingsSchema.superRefine((settings, ctx) => {
    if (Boolean(settings.LOCAL_DYNAMODB_ENDPOINT) !== Boolean(settings.LOCAL_SQS_ENDPOINT)) {
      ctx.addIssue({
        code: "custom",
        path: [settings.LOCAL_DYNAMODB_ENDPOINT ? "LOCAL_SQS_ENDPOINT" : "LOCAL_DYNAMODB_ENDPOINT"],
        message: "set LOCAL_DYNAMODB_ENDPOINT and LOCAL_SQS_ENDPOINT together, or neither",
      });
    }
    if (settings.DIALPAD_BASE_URL && !settings.DIALPAD_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["DIALPAD_API_KEY"],
        message: "required when DIALPAD_BASE_URL points at another Dialpad server",
      });
    }
  });
  const settings = loadConfig(schema, present);
  const token =
    settings.LOCAL_API_TOKEN ??
    (settings.DIALPAD_BASE_URL ? randomBytes(24).toString("base64url") : DEFAULT_LOCAL_API_TOKEN);
  return { ...settings, LOCAL_API_TOKEN: token };
}
