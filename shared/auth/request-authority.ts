/**
 * Scopes a request needs for what it asks, beyond its route's scope, decided from the request alone
 * so the refusal (403) comes before anything is written (each kind's `adminAsk`, job-kind.ts): admin rights (`admin_type` other than
 * `none`, or any in an update) and a retention shorter than the configured default need `admin`. Whether the target of
 * a change is itself an admin is only known from Dialpad: the worker checks that.
 */
import type { JobKindRegistry } from "../lifecycle/job-kind";
import type { Job } from "../lifecycle/model";
import { requireScope } from "./require-scope";
import type { Principal } from "./scopes";

export function requireAuthorityFor(
  principal: Principal,
  submission: Pick<Job, "kind" | "request">,
  kinds: Pick<JobKindRegistry, "adminAskOf">,
  settings: { retentionDays: number },
): void {
  const ask = kinds.adminAskOf(submission, settings);
  if (ask) requireScope(principal, "admin", ask);
}
