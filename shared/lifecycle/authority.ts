/**
 * Authority over Dialpad admins (docs/product.md, scopes and authority): only a client with `admin`
 * may offboard, update, adopt or delete a Dialpad admin of any kind (company, office, department,
 * call center). Whether a user is an admin is only known from Dialpad, so the worker checks it on
 * the user it just read, before changing anything, against the authority the job recorded when it
 * was accepted.
 */
import type { DialpadUser } from "../dialpad/schemas";
import { JobFailure } from "./failures";
import type { Job, JobAuthority, Person } from "./model";

/** The authority a client's scopes give a job (recorded at intake). */
export const authorityOf = (scopes: readonly string[]): JobAuthority => ({ admin: scopes.includes("admin") });

/** Jobs of our own making (sweeper, reconciliation) carry no admin authority unless told. */
export const NO_AUTHORITY: JobAuthority = { admin: false };

/** What Dialpad tells of a user's admin roles. */
export type DialpadAdminFields = Pick<
  DialpadUser,
  "is_super_admin" | "is_admin" | "admin_office_ids" | "group_details"
>;

/**
 * Any admin role Dialpad reports: company (`is_super_admin`), office (`admin_office_ids`, or any
 * `is_admin`), and admin of a department, call center or office main line (`group_details` role
 * `admin`, as the add-operator endpoints grant it).
 */
export function isDialpadAdmin(user: DialpadAdminFields): boolean {
  return (
    user.is_super_admin === true ||
    user.is_admin === true ||
    (user.admin_office_ids?.length ?? 0) > 0 ||
    (user.group_details ?? []).some((group) => group.role === "admin")
  );
}

/**
 * Throws `privileged_user` when `user` is a Dialpad admin and the job's client had no `admin`.
 * `action` says what was refused, e.g. "offboard" or "adopt".
 */
export function requireAuthorityOver(
  user: Pick<DialpadUser, "id"> & DialpadAdminFields,
  job: Pick<Job, "authority">,
  action: string,
): void {
  if (!isDialpadAdmin(user) || job.authority?.admin === true) return;
  throw new JobFailure(
    "privileged_user",
    `Dialpad user ${user.id} is a Dialpad admin (company, office, department or call center): to ${action} it the client needs the "admin" scope. Nothing was changed.`,
  );
}

/**
 * A deletion waits for an approval when the service requires approvals (REQUIRE_DELETION_APPROVAL),
 * and always when the suspension was made by hand in Dialpad rather than asked through the API.
 */
export function deletionNeedsApproval(
  person: Pick<Person, "deletion_approved_at" | "deletion_requires_approval">,
  requireApproval: boolean,
): boolean {
  return (requireApproval || person.deletion_requires_approval === true) && !person.deletion_approved_at;
}
