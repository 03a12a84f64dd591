/**
 * The plain (non-binding) environment of the functions, named as shared/config.ts names them, built
 * from the stack settings. Bindings (table, queues, secrets) add their own variables. `satisfies`
 * makes a misspelt variable name a compile error.
 */
import type {
  callbackSettings,
  dialpadSettings,
  intakeSettings,
  lifecycleSettings,
  secretSettings,
  tableSettings,
} from "../../shared/config";
import type { StackSettings } from "../stack-settings";

type Env<Schema extends { shape: object }> = { [Name in keyof Schema["shape"]]?: string };

export function dialpadEnvironment(settings: StackSettings) {
  return {
    DIALPAD_BASE_URL: settings.dialpadBaseUrl,
    DIALPAD_RATE_LIMIT_RPS: String(settings.dialpadRateLimitRps),
  } satisfies Env<typeof dialpadSettings>;
}

export function lifecycleEnvironment(settings: StackSettings) {
  return {
    RETENTION_DAYS: String(settings.retentionDays),
    NUMBER_PARKING_TARGET: settings.numberParkingTarget,
    NUMBERS_ON_DELETE: settings.numbersOnDelete,
    REQUIRE_DELETION_APPROVAL: String(settings.requireDeletionApproval),
    MASS_OFFBOARD_LIMIT: String(settings.massOffboardLimit),
    JOB_AUDIT_DAYS: String(settings.jobAuditDays),
    PERSON_RECORD_DAYS: String(settings.personRecordDays),
  } satisfies Env<typeof lifecycleSettings> & Env<typeof tableSettings>;
}

/** How long a function may serve a secret from memory before re-reading it. */
export function secretCacheEnvironment(settings: StackSettings) {
  return { SECRET_CACHE_SECONDS: String(settings.secretCacheSeconds) } satisfies Env<typeof secretSettings>;
}

/** The API's checks on a request beyond its schema (shared/lifecycle/intake-policy.ts). */
export function intakeEnvironment(settings: StackSettings) {
  return {
    ...(settings.allowedEmailDomains ? { ALLOWED_EMAIL_DOMAINS: settings.allowedEmailDomains } : {}),
    CALLBACK_PORTS: settings.callbackPorts,
    ...(settings.scimDefaultOffice ? { SCIM_DEFAULT_OFFICE: settings.scimDefaultOffice } : {}),
  } satisfies Env<typeof intakeSettings>;
}

/** The notifier checks the port again at send time, from the same setting. */
export function callbackPortsEnvironment(settings: StackSettings) {
  return { CALLBACK_PORTS: settings.callbackPorts } satisfies Env<typeof callbackSettings>;
}
