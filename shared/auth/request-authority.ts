/**
 * Scopes a request needs for what it asks, beyond its route's scope, decided from the request alone
 * so the refusal (403) comes before anything is written (the rule is lifecycle-policy.ts's): admin rights (`admin_type` other than
 * `none`, or any in an update) and a retention shorter than the configured default need `admin`. Whether the target of
 * a change is itself an admin is only known from Dialpad: the worker checks that.
 */
import { requestNeedsAdmin } from "../lifecycle/lifecycle-policy";
import { requireScope } from "./require-scope";
import type { Principal } from "./scopes";

/** The fields of onboard, update and offboard bodies that ask for more than their route gives. */
export interface PrivilegedAsks {
  admin_type?: string | undefined;
  retention_days?: number | undefined;
}

export function requireAuthorityFor(
  principal: Principal,
  kind: "onboard" | "update" | "offboard",
  request: PrivilegedAsks,
  settings: { retentionDays: number },
): void {
  const ask = requestNeedsAdmin(kind, request, settings.retentionDays);
  if (ask) requireScope(principal, "admin", ask);
}
