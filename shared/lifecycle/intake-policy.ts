/**
 * The deployment's own limits on a request, checked before anything is written (the request's
 * schema has passed): the email domains people may be given (ALLOWED_EMAIL_DOMAINS) and the ports a
 * callback may go to (CALLBACK_PORTS).
 */
import { InvalidInput } from "../errors/domain-errors";
import { callbackPortProblem, DEFAULT_CALLBACK_PORTS } from "../notify/callback-address";
import type { JobKindRegistry } from "./job-kind";
import type { Submission } from "./submit-job";

export interface IntakePolicy {
  /** Lower-case domains; undefined or empty: any. */
  allowedEmailDomains?: readonly string[];
  /** Default 443 only. */
  callbackPorts?: readonly number[];
}

/**
 * Throws InvalidInput (400) naming the field when the submission breaks the policy. The submission's
 * kind names the addresses it would give a person (`newAddresses`: an onboarding's, a mover's new one).
 */
export function checkIntakePolicy(
  submission: Submission,
  policy: IntakePolicy,
  kinds: Pick<JobKindRegistry, "of">,
): void {
  const newAddresses = kinds.of(submission.kind).newAddresses?.(submission.request) ?? [];
  for (const [path, address] of newAddresses) {
    if (!domainAllowed(address, policy.allowedEmailDomains))
      throw new InvalidInput(
        "email_domain_not_allowed",
        "This service may not give people an email address in that domain.",
        [{ path, message: `Allowed domains: ${policy.allowedEmailDomains?.join(", ")}.` }],
      );
  }
  const callbackUrl = "callback_url" in submission.request ? submission.request.callback_url : undefined;
  const portProblem =
    callbackUrl && callbackPortProblem(new URL(callbackUrl), policy.callbackPorts ?? DEFAULT_CALLBACK_PORTS);
  if (portProblem)
    throw new InvalidInput("validation_failed", "The request is invalid; see details for each bad field.", [
      { path: "callback_url", message: portProblem },
    ]);
}

function domainAllowed(address: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const domain = address.slice(address.lastIndexOf("@") + 1).toLowerCase();
  return allowed.includes(domain);
}
