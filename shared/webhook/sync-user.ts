/**
 * The worker's half of a webhook event, primary course: find our record by Dialpad user id → take
 * the person's lease (our own jobs hold it while they change the user, so their changes are never
 * mistaken for changes by hand; busy → try again shortly) → re-read the user from Dialpad (a 404
 * reads as deleted) → decide from current truth (sync-decision.ts) → apply the change with a
 * history entry keyed by the event, so a repeat applies nothing → cancel the person's queued
 * onboarding when the user was deleted. A user we hold no record of is logged and dropped.
 */
import type { DialpadApi } from "../dialpad/api";
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser } from "../dialpad/schemas";
import type {
  Clock,
  JobDecisions,
  JobReads,
  PersonJobNotes,
  PersonLease,
  PersonReads,
  PersonWrites,
} from "../lifecycle/ports";
import { decideSync } from "./sync-decision";
import type { UserSyncMessage, UserSyncQueue } from "./user-sync-message";

export interface UserSyncDeps {
  dialpad: DialpadApi;
  people: PersonReads & PersonWrites & PersonLease & Pick<PersonJobNotes, "openOnboardJob">;
  jobs: JobReads & Pick<JobDecisions, "cancelIfQueued">;
  userSyncs: UserSyncQueue;
  clock: Clock;
  retentionDays: number;
  busyDelaySeconds?: number;
  leaseTtlMs?: number;
}

export type UserSyncOutcome =
  | { status: "applied"; email: string; action: string; cancelled_onboard_job_id?: string }
  | { status: "unchanged"; email: string }
  | { status: "unknown_user" }
  | { status: "busy"; email: string };

export async function syncUser(message: UserSyncMessage, deps: UserSyncDeps): Promise<UserSyncOutcome> {
  const indexed = await deps.people.findByUserId(message.user_id);
  if (!indexed) return { status: "unknown_user" };
  const email = indexed.email;
  const leaseId = `sync#${message.event_id}`;
  if (
    !(await deps.people.acquireLease(email, leaseId, deps.clock.now().getTime(), deps.leaseTtlMs ?? 60_000))
  ) {
    await deps.userSyncs.enqueue(message, deps.busyDelaySeconds ?? 1);
    return { status: "busy", email };
  }
  try {
    // The index is eventually consistent: decide on the record itself, and only if it is still this user's.
    const person = await deps.people.get(email);
    if (!person || person.user_id !== message.user_id) return { status: "unknown_user" };
    const user = await currentUser(deps.dialpad, message.user_id);
    const now = deps.clock.now();
    const decision = decideSync(person, user, now, deps.retentionDays, message.event_id);
    if (!decision.change) return { status: "unchanged", email };
    await deps.people.apply(email, { ...decision.change, historyId: `webhook#${message.event_id}` });
    const cancelled = decision.cancelQueuedOnboard
      ? await cancelStaleOnboard(email, message, deps)
      : undefined;
    return {
      status: "applied",
      email,
      action: decision.change.history.action,
      ...(cancelled ? { cancelled_onboard_job_id: cancelled } : {}),
    };
  } finally {
    await deps.people.releaseLease(email, leaseId);
  }
}

async function currentUser(
  dialpad: DialpadApi,
  userId: string,
): Promise<Pick<DialpadUser, "id" | "state" | "office_id">> {
  try {
    return await dialpad.getUser(userId);
  } catch (error) {
    if (isDialpadError(error, "not_found")) return { id: userId, state: "deleted" };
    throw error;
  }
}

/**
 * A queued onboarding asked before the deletion would adopt or revive an account someone removed on
 * purpose: cancel it. One asked after the deletion (a fresh start for that email) is left to run.
 */
async function cancelStaleOnboard(
  email: string,
  message: UserSyncMessage,
  deps: UserSyncDeps,
): Promise<string | undefined> {
  const jobId = await deps.people.openOnboardJob(email);
  if (!jobId) return undefined;
  const job = await deps.jobs.get(jobId);
  if (job?.status !== "queued") return undefined;
  const deletedBy = message.occurred_at ?? deps.clock.now().toISOString();
  if (job.created_at > deletedBy) return undefined;
  const cancelled = await deps.jobs.cancelIfQueued(
    jobId,
    deps.clock.now().toISOString(),
    `Dialpad user ${message.user_id} was deleted outside this service before this onboarding started.`,
  );
  return cancelled ? jobId : undefined;
}
