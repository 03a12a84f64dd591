/**
 * What a user's current state in Dialpad means for our record of that person, decided from the two
 * alone (never from the event that prompted the look-up, so late or repeated events cannot undo a
 * newer change):
 * - deleted in Dialpad, not in our record → record deleted (pending retention cleared);
 * - suspended in Dialpad while our record is active → record suspended, the retention clock started
 *   with the configured default, and the deletion marked as needing approval: a suspension by hand
 *   (leave, investigation) never ends in deletion unless a client with `approve` approves it; one
 *   our own offboard made (its marker on the record) stays attributed to that offboard's client
 *   (the lifecycle policy's suspensionSeen);
 * - active in Dialpad while our record is suspended → reactivated by hand: record active, the
 *   pending deletion cleared (no delete_after, so the sweeper skips it);
 * - an office moved by hand is followed too. Anything else (pending/cancelled users, a deleted
 *   record whose user shows up live) is left alone: there is no safe reading of it.
 */
import type { DialpadUser } from "../dialpad/schemas";
import { SUSPENSION_FIELDS, suspensionSeen } from "../lifecycle/lifecycle-policy";
import type { Person } from "../lifecycle/model";
import type { PersonChange } from "../lifecycle/ports";

export interface SyncDecision {
  change?: Omit<PersonChange, "historyId">;
  /** True when the person's queued onboarding no longer makes sense (the user was deleted). */
  cancelQueuedOnboard: boolean;
}

export function decideSync(
  person: Person,
  user: Pick<DialpadUser, "id" | "state" | "office_id">,
  now: Date,
  retentionDays: number,
  eventId: string,
): SyncDecision {
  const at = now.toISOString();
  const history = (action: string, detail: string) => ({
    at,
    action,
    source: "webhook" as const,
    detail: `${detail} (Dialpad event ${eventId})`,
  });
  const officeMoved = user.office_id !== undefined && user.office_id !== person.office_id;
  const office = officeMoved ? { office_id: user.office_id } : {};

  if (user.state === "deleted") {
    if (person.state === "deleted") return { cancelQueuedOnboard: false };
    return {
      change: {
        set: { state: "deleted", deleted_at: at, updated_at: at },
        remove: ["delete_after", "deletion_approved_at"],
        history: history("deleted_by_hand", `Dialpad user ${user.id} was deleted outside this service`),
      },
      cancelQueuedOnboard: true,
    };
  }
  if (user.state === "suspended" && (person.state === "active" || !person.delete_after)) {
    if (person.state === "deleted") return { cancelQueuedOnboard: false };
    const seen = suspensionSeen(person, user.id, now, retentionDays);
    return {
      change: {
        set: { ...seen.set, updated_at: at, ...office },
        remove: seen.remove,
        history: {
          ...history(seen.action, seen.detail),
          ...(seen.client ? { client: seen.client } : {}),
          ...(seen.job_id ? { job_id: seen.job_id } : {}),
        },
      },
      cancelQueuedOnboard: false,
    };
  }
  if (user.state === "active" && person.state === "suspended") {
    const pending = person.delete_after ? `; pending deletion (after ${person.delete_after}) cancelled` : "";
    return {
      change: {
        set: { state: "active", updated_at: at, ...office },
        remove: [...SUSPENSION_FIELDS],
        history: history(
          "reactivated_by_hand",
          `Dialpad user ${user.id} was reactivated outside this service${pending}`,
        ),
      },
      cancelQueuedOnboard: false,
    };
  }
  if (officeMoved && person.state !== "deleted" && (user.state === "active" || user.state === "suspended")) {
    return {
      change: {
        set: { updated_at: at, ...office },
        history: history(
          "office_changed_by_hand",
          `Dialpad user ${user.id} moved from office ${person.office_id ?? "(none)"} to ${user.office_id}`,
        ),
      },
      cancelQueuedOnboard: false,
    };
  }
  return { cancelQueuedOnboard: false };
}
