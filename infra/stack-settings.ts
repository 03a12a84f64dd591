/**
 * The deploy-time settings of the stack, read from CDK context (`cdk.json` or `-c key=value`) and
 * validated once with zod, so a typo in a context value fails the synth with its name instead of
 * deploying a broken stack. Context given on the command line arrives as strings: numbers and flags
 * are coerced.
 */
import type { Node } from "constructs";
import * as z from "zod";
import { MAX_MASS_OFFBOARD_LIMIT } from "../shared/auth/client-registry";
import { parkingTargetSetting } from "../shared/config";
import { DEFAULT_SCIM_OFFBOARD_LIMIT } from "../shared/lifecycle/mass-change-guard";
import { MAX_BUDGET_RPS } from "../shared/ratelimit/slot-planner";

const flag = z
  .union([z.boolean(), z.enum(["true", "false"])])
  .transform((v) => v === true || v === "true")
  .default(false);
const positive = z.coerce.number().positive();
const positiveInt = z.coerce.number().int().positive();

export const stackSettingsSchema = z.strictObject({
  /** API Gateway stage name. */
  stage: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .default("prod"),
  apiThrottleRateLimit: positive.default(50),
  apiThrottleBurstLimit: positiveInt.default(100),
  /** An existing regional WAFv2 web ACL to associate with the API stage, instead of ours. */
  wafWebAclArn: z.string().startsWith("arn:").optional(),
  /** Our web ACL (per-client and per-IP rate rules, see infra/constructs/api-firewall.ts); on by default. */
  waf: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .transform((v) => v === true || v === "true")
    .default(true),
  /** Requests per client (bearer token) per 5 minutes before WAF answers 429; offboarding is exempt. */
  wafRequestsPerClientPer5Min: positiveInt.min(10).default(3000),
  /** Requests per IP address per 5 minutes before WAF answers 429. */
  wafRequestsPerIpPer5Min: positiveInt.min(10).default(6000),
  /**
   * Requests per SCIM client (bearer token), and per IP address, per 5 minutes to /scim/v2 before WAF
   * answers 429: 18,000 is 60/s, above the 50/s SCIM clients are promised.
   */
  wafScimRequestsPer5Min: positiveInt.min(15_000).default(18_000),
  /** SCIM's own per-method throttle (requests/s, burst), apart from the stage's, so an IdP's sync never starves the /v1 clients. */
  scimThrottleRateLimit: positive.min(50).default(100),
  scimThrottleBurstLimit: positiveInt.min(50).default(200),
  /** Active X-Ray tracing on functions and the API stage. */
  xrayTracing: flag,
  logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  /** Subscribe this address to the alarm topic (a confirmation mail is sent on deploy). */
  alarmEmail: z.email().optional(),

  dialpadBaseUrl: z.url().default("https://dialpad.com/api/v2"),
  /** 16–19 only when nothing else uses the key's company limit (see shared/config.ts). */
  dialpadRateLimitRps: positive.max(MAX_BUDGET_RPS).default(15),
  /** Typical Dialpad response time, used to size the worker's concurrency. */
  dialpadLatencyMs: positiveInt.default(200),
  retentionDays: z.coerce.number().int().min(0).max(3650).default(30),
  /** Where the delete job parks a user's numbers: `office`, `department:<id>` or `call_center:<id>`. */
  numberParkingTarget: parkingTargetSetting.default("office"),
  /** `park` (default) or `release`: the deletion gives the numbers up, by explicit choice. */
  numbersOnDelete: z.enum(["park", "release"]).default("park"),
  requireDeletionApproval: flag,
  /** MASS_OFFBOARD_LIMIT: the mass-change guard's limit for `scim` clients without their own (0 = off). */
  massOffboardLimit: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_MASS_OFFBOARD_LIMIT)
    .default(DEFAULT_SCIM_OFFBOARD_LIMIT),
  /** Days a finished job (and the personal data in its request) is kept before the table's TTL removes it. */
  jobAuditDays: positiveInt.max(3650).default(400),
  /** Days a deleted person's record and history are kept after the deletion before the table's TTL removes them. */
  personRecordDays: positiveInt.max(3650).default(400),
  secretCacheSeconds: positiveInt.default(300),
  /** ALLOWED_EMAIL_DOMAINS: comma-separated domains people may be onboarded with or moved to; unset: any. */
  allowedEmailDomains: z.string().optional(),
  /** SCIM_DEFAULT_OFFICE: the office (name or id) of SCIM users no office group or officeName places. */
  scimDefaultOffice: z.string().trim().min(1).optional(),
  /** CALLBACK_PORTS: comma-separated ports a callback URL may name. */
  callbackPorts: z.string().default("443"),

  workerTimeoutSeconds: positiveInt.max(900).default(60),
  urgentBatchSize: positiveInt.max(10).default(5),
  bulkBatchSize: positiveInt.max(10).default(10),
  /**
   * Seconds the bulk event source gathers records into a batch before invoking the worker. Without
   * it the first records of a burst start invocations of one record each, and with only
   * `maxConcurrency` invocations the budget idles until they finish. Jobs arriving at 10/s or more fill
   * a batch within 1 s; a lone bulk job starts at most this much later. The urgent lane has none.
   */
  bulkBatchingWindowSeconds: z.coerce.number().int().min(0).max(300).default(1),
  sweepIntervalMinutes: positiveInt.max(1440).default(15),
  /** Hour (UTC) of the daily drift reconciliation. */
  reconcileHourUtc: z.coerce.number().int().min(0).max(23).default(3),

  /** Alarm thresholds. */
  urgentOldestMessageAlarmSeconds: positiveInt.default(300),
  bulkOldestMessageAlarmSeconds: positiveInt.default(3600),
  dialpad429AlarmThreshold: positiveInt.default(10),
  api4xxAlarmThreshold: positiveInt.default(50),
  seatsLowThreshold: z.coerce.number().int().min(0).default(5),
  /** Failed callback attempts in 5 minutes that raise the CallbackFailures alarm. */
  callbackFailuresAlarmThreshold: positiveInt.default(5),
  /** Offboards and deletions finished for one client in 5 minutes that raise the RemovalVolume alarm. */
  removalsPerClientAlarmThreshold: positiveInt.default(20),
});

export type StackSettings = z.infer<typeof stackSettingsSchema>;

/** Reads every known key from the node's context; unknown keys are the app's business, not ours. */
export function readStackSettings(node: Node): StackSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(stackSettingsSchema.shape)) {
    const value = node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  const result = stackSettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new Error(`Invalid CDK context:\n  ${problems.join("\n  ")}`);
}
