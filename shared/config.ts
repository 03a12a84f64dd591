/**
 * One validated configuration per process: zod over process.env, read once at cold start, failing
 * fast with the variable's name. Each function composes the parts it needs, so a function never
 * demands settings it does not use. In AWS, secrets are referenced by ARN and read from Secrets
 * Manager at run time; in local mode their values come from the environment.
 */
import * as z from "zod";
import { MAX_MASS_OFFBOARD_LIMIT } from "./auth/client-registry";
import { DEFAULT_SCIM_OFFBOARD_LIMIT } from "./lifecycle/mass-change-guard";
import { COMPANY_LIMIT_RPS, MAX_BUDGET_RPS } from "./ratelimit/slot-planner";

const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(["true", "false", "1", "0"])
  .default("false")
  .transform((v) => v === "true" || v === "1");

/** A comma-separated list (`a, b`): trimmed, empty items dropped. */
const commaList = z.string().transform((text) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

/** CALLBACK_PORTS: the ports a callback URL may name (default 443 only); the API and the notifier read it. */
const callbackPorts = commaList
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^\d+$/, "Expected a port number.")
          .transform(Number)
          .pipe(z.number().min(1).max(65535)),
      )
      .min(1, "Name at least one port."),
  )
  .default([443]);

export const dialpadSettings = z.object({
  DIALPAD_BASE_URL: z.url().default("https://dialpad.com/api/v2"),
  /**
   * Our share of Dialpad's company-wide 20 requests/s. The default 15 leaves room for other
   * integrations on the same company (SCIM, scripts); 16–19 only when nothing else uses the key's
   * company limit. Never 20: requests reach Dialpad with a varying delay, and one request of slack
   * is what keeps exactly spaced sends under 20 in every second on arrival.
   */
  DIALPAD_RATE_LIMIT_RPS: z.coerce
    .number()
    .positive()
    .max(
      MAX_BUDGET_RPS,
      `At most ${MAX_BUDGET_RPS}: Dialpad allows ${COMPANY_LIMIT_RPS} in any second for the whole company, and requests arrive with network jitter, so one request of slack is kept.`,
    )
    .default(15),
  DIALPAD_TIMEOUT_MS: positiveInt.default(10_000),
  DIALPAD_MAX_ATTEMPTS: positiveInt.max(10).default(5),
});

export const tableSettings = z.object({
  TABLE_NAME: z.string().min(3),
  /** Local engines only; unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** How long a finished job (and the personal data in its request) is kept before DynamoDB's TTL removes it. */
  JOB_AUDIT_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /** How long a deleted person's record and history are kept after the deletion before DynamoDB's TTL removes them. */
  PERSON_RECORD_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
});

export const queueSettings = z.object({
  URGENT_QUEUE_URL: z.url(),
  BULK_QUEUE_URL: z.url(),
  /** Local engines only; unset in AWS. */
  SQS_ENDPOINT: z.url().optional(),
  /** Receives before a job message moves to its DLQ; the stack's redrive policy uses the same number. */
  JOB_MAX_RECEIVES: positiveInt.max(100).default(5),
});

/** The parking target of NUMBER_PARKING_TARGET: the user's own office, or one department or call center. */
export type NumberParkingTarget = { to: "office" } | { to: "department" | "call_center"; id: string };

/** NUMBER_PARKING_TARGET as written (the stack settings accept the same). */
export const parkingTargetSetting = z
  .string()
  .regex(/^(office|department:\d+|call_center:\d+)$/, "office, department:<id> or call_center:<id>");

function parseParkingTarget(value: string): NumberParkingTarget {
  const [to, id] = value.split(":");
  return to === "department" || to === "call_center" ? { to, id: id ?? "" } : { to: "office" };
}

export const lifecycleSettings = z.object({
  RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /**
   * Where the delete job moves the numbers still on a user before deleting it: `office` (the
   * user's own office), `department:<id>` or `call_center:<id>`. Moved, never unassigned: Dialpad
   * releases an unassigned number to the public when the company has no reserved pool.
   */
  NUMBER_PARKING_TARGET: parkingTargetSetting.default("office").transform(parseParkingTarget),
  /** `park` (default): numbers stay the company's; `release`: the deletion gives them up, by explicit choice. */
  NUMBERS_ON_DELETE: z.enum(["park", "release"]).default("park"),
  /** Permanent deletion waits for POST /v1/users/{email}/approve-deletion. */
  REQUIRE_DELETION_APPROVAL: flag,
  /** The mass-change guard's limit for `scim` clients without one of their own (0 = off). */
  MASS_OFFBOARD_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_MASS_OFFBOARD_LIMIT)
    .default(DEFAULT_SCIM_OFFBOARD_LIMIT),
});

/** What the API checks on a request before anything is written, beyond its schema. */
export const intakeSettings = z.object({
  /**
   * The email domains a person may be onboarded with or moved to (`new_email`), comma-separated;
   * unset or empty: any. Keeps a low-scope client from pointing an account at an outside mailbox.
   */
  ALLOWED_EMAIL_DOMAINS: commaList
    .pipe(
      z.array(
        z
          .string()
          .toLowerCase()
          .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "Expected a domain."),
      ),
    )
    .optional(),
  CALLBACK_PORTS: callbackPorts,
  /**
   * The office (its name, or its id: digits) of people an identity provider creates through SCIM
   * with no office group or `officeName`; unset: they wait, state `awaiting_office`.
   */
  SCIM_DEFAULT_OFFICE: z.string().trim().min(1).max(200).optional(),
});

/** Job-finished notifications: the callback queue and the Job Finished event bus (worker). */
export const announceSettings = z.object({
  CALLBACK_QUEUE_URL: z.url(),
  /** EventBridge bus of `Job Finished` events (`default` in AWS); unset in local mode, which records and logs them. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
});

/** Delivering callbacks (the notifier function). */
export const callbackSettings = z.object({
  CALLBACK_QUEUE_URL: z.url(),
  /** Local mode only: callbacks may go to loopback addresses (and over http there). */
  CALLBACK_ALLOW_LOOPBACK: flag,
  /** Delay before the first retry; it doubles per attempt up to an hour. */
  CALLBACK_RETRY_BASE_SECONDS: positiveInt.max(3600).default(30),
  CALLBACK_TIMEOUT_MS: positiveInt.max(30_000).default(10_000),
  CALLBACK_PORTS: callbackPorts,
});

/** Where each secret comes from: an ARN in AWS, or the value itself in local mode. */
export const secretSettings = z.object({
  DIALPAD_API_KEY_SECRET_ARN: z.string().optional(),
  DIALPAD_API_KEY: z.string().min(1).optional(),
  WEBHOOK_SECRET_ARN: z.string().optional(),
  DIALPAD_WEBHOOK_SECRET: z.string().min(1).optional(),
  CLIENT_TOKENS_SECRET_ARN: z.string().optional(),
  /** JSON `{"clients":[{"name","token_sha256","scopes","callback_key"}]}` in local mode. */
  CLIENT_TOKENS: z.string().optional(),
  /**
   * Local mode only: a file in the same format whose clients are accepted too, re-read on every
   * request so `npm run client-token` edits apply at once.
   */
  LOCAL_CLIENTS_FILE: z.string().min(1).optional(),
  SECRET_CACHE_SECONDS: positiveInt.default(300),
});

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses `env` with `schema`; throws one ConfigError naming every bad variable. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
}
