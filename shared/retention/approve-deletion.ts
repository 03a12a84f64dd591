/**
 * Approving a person's permanent deletion (a human in the loop: REQUIRE_DELETION_APPROVAL, and any
 * suspension made by hand), primary course: read the record with its history → ask the lifecycle
 * policy (not found, not suspended, `self_approval` for a client that requested an offboard of
 * this suspension, has one still open, or lifted a hold during it; approving twice keeps the
 * first) → write the
 * approval only while the person is still in the suspension it was read for (same suspended_at,
 * same or later delete_after), else 409 `suspension_changed`.
 */
import { NotFound, StateConflict } from "../errors/domain-errors";
import { type Actor, decideApproval } from "../lifecycle/lifecycle-policy";
import type { HistoryEntry, Job, Person } from "../lifecycle/model";
import type { Clock, JobReads, PersonHistory, SuspensionWrites } from "../lifecycle/ports";

export interface Approval {
  person: Person;
  history: HistoryEntry[];
}

export async function approveDeletion(
  email: string,
  approver: Actor,
  deps: { people: PersonHistory & SuspensionWrites; jobs: Pick<JobReads, "list">; clock: Clock },
): Promise<Approval> {
  const found = await deps.people.getWithHistory(email);
  const now = deps.clock.now();
  const decision = decideApproval(found, approver, now, await offboardsOf(email, deps.jobs));
  if (!found || decision.outcome === "already_approved") return found as Approval;
  const at = now.toISOString();
  const written = await deps.people.applyWithinSuspension(
    email,
    {
      set: { ...decision.set, updated_at: at },
      history: {
        at,
        action: "deletion_approved",
        source: "api",
        client: approver.client,
        ...(approver.ticket ? { ticket: approver.ticket } : {}),
        detail: decision.detail,
      },
      historyId: `approval#${at}#${approver.client}`,
    },
    decision.condition,
  );
  if (!written)
    throw new StateConflict(
      "suspension_changed",
      "The person's suspension changed while the approval was written (a new suspension, or an earlier deadline): read the record again and approve that one.",
    );
  const updated = await deps.people.getWithHistory(email);
  if (!updated) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  return updated;
}

/** Every offboard job of the person (a handful: one index query, paged to the end). */
async function offboardsOf(email: string, jobs: Pick<JobReads, "list">, cursor?: string): Promise<Job[]> {
  const page = await jobs.list({ email, kind: "offboard" }, { limit: 100, ...(cursor ? { cursor } : {}) });
  if (!page.nextCursor) return page.items;
  return [...page.items, ...(await offboardsOf(email, jobs, page.nextCursor))];
}
