/**
 * Scope checks: the API function checks the scope a route needs (and any scope a request needs for
 * what it asks) against the scopes the authorizer put in the request context.
 */
import { NotPermitted } from "../errors/domain-errors";
import type { Principal, Scope } from "./scopes";

/** Refuses (403) unless the client holds `scope`; `reason` says what needed it. */
export function requireScope(principal: Principal, scope: Scope, reason?: string): void {
  if (!principal.scopes.includes(scope)) {
    throw new NotPermitted(
      `The client "${principal.client}" lacks the "${scope}" scope ${reason ? `needed to ${reason}` : "needed here"}.`,
    );
  }
}
