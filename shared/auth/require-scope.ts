/**
 * Route-level authorisation: the API function checks the scope a route needs against the scopes
 * the authorizer put in the request context.
 */
import { ForbiddenError } from "../http/api-error";
import type { Principal, Scope } from "./scopes";

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.includes(scope)) {
    throw new ForbiddenError(`The client "${principal.client}" lacks the "${scope}" scope needed here.`);
  }
}
