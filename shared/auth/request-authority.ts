/**
 * Scopes a request needs for what it asks, beyond its route's scope, decided from the request alone
 * so the refusal (403) comes before anything is written: admin rights (`admin_type` other than
 * `none`) and a retention shorter than the configured default need `admin`. Whether the target of
 * a change is itself an admin is only known from Dialpad: the worker checks that.
 */
import { requireScope } from "./require-scope";
import type { Principal } from "./scopes";

/** The fields of onboard, update and offboard bodies that ask for more than their route gives. */
export interface PrivilegedAsks {
  admin_type?: string | undefined;
  retention_days?: number | undefined;
}

export function requireAuthorityFor(
  principal: Principal,
  request: PrivilegedAsks,
  settings: { retentionDays: number },
): void {
  if (request.admin_type !== undefined && request.admin_type !== "none") {
    requireScope(principal, "admin", `grant admin rights (admin_type "${request.admin_type}")`);
  }
  if (request.retention_days !== undefined && request.retention_days < settings.retentionDays) {
    requireScope(
      principal,
      "admin",
      `ask for a retention shorter than the default of ${settings.retentionDays} days`,
    );
  }
}
