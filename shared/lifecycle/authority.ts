/**
 * Authority over Dialpad admins in the worker (docs/product.md, scopes and authority): only a client
 * with `admin` may offboard, update, adopt or delete a Dialpad admin of any kind (company, office,
 * department, call center). The rule is the lifecycle policy's (privilegeRefusal,
 * adminRightsRefusal); here it becomes the job's `privileged_user` failure. Whether a user is an admin is only known from Dialpad, so the worker
 * checks it on the user it just read, before changing anything, against the authority the job
 * recorded when it was accepted.
 */
import { JobFailure } from "./failures";
import { adminRightsRefusal, type DialpadAdminFlags, privilegeRefusal } from "./lifecycle-policy";
import type { Job, JobAuthority } from "./model";

/** The authority a client's scopes give a job (recorded at intake). */
export const authorityOf = (scopes: readonly string[]): JobAuthority => ({ admin: scopes.includes("admin") });

/** Jobs of our own making (sweeper, reconciliation) carry no admin authority unless told. */
export const NO_AUTHORITY: JobAuthority = { admin: false };

/**
 * Throws `privileged_user` when `user` is a Dialpad admin and the job's client had no `admin`.
 * `action` says what was refused, e.g. "offboard" or "adopt".
 */
export function requireAuthorityOver(
  user: DialpadAdminFlags,
  job: Pick<Job, "authority">,
  action: string,
): void {
  const refusal = privilegeRefusal(user, job.authority, action);
  if (refusal) throw new JobFailure("privileged_user", refusal);
}

/** Throws `privileged_user` when the job sets `admin_type` (granting, or any change) without `admin`. */
export function requireAuthorityToSetAdminRights(
  adminType: string | undefined,
  job: Pick<Job, "authority">,
  granting: "grant" | "change",
): void {
  const refusal = adminRightsRefusal(adminType, job.authority, granting);
  if (refusal) throw new JobFailure("privileged_user", refusal);
}
