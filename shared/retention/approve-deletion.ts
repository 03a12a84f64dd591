/**
 * Approving a person's permanent deletion (for teams that require a human in the loop,
 * REQUIRE_DELETION_APPROVAL), primary course: read the record (404 when we have none) → refuse
 * unless suspended (409: there is no pending deletion to approve) → set deletion_approved_at with a
 * history entry naming the client. Approving twice keeps the first approval.
 */
import type { HistoryEntry, Person, Ticket } from "../lifecycle/model";
import type { Clock, PersonStore } from "../lifecycle/ports";

export type ApprovalOutcome =
  | { status: "approved" | "already_approved"; person: Person; history: HistoryEntry[] }
  | { status: "not_found" }
  | { status: "not_suspended"; state: Person["state"] };

export async function approveDeletion(
  email: string,
  approver: { client: string; ticket?: Ticket; admin?: boolean },
  deps: { people: PersonStore; clock: Clock },
): Promise<ApprovalOutcome> {
  const found = await deps.people.getWithHistory(email);
  if (!found) return { status: "not_found" };
  if (found.person.state !== "suspended") return { status: "not_suspended", state: found.person.state };
  if (found.person.deletion_approved_at) return { status: "already_approved", ...found };
  const at = deps.clock.now().toISOString();
  await deps.people.apply(email, {
    set: {
      deletion_approved_at: at,
      // An admin client's approval may let the deletion remove a Dialpad admin; keep an earlier yes.
      ...(approver.admin ? { deletion_admin_authority: true } : {}),
      updated_at: at,
    },
    history: {
      at,
      action: "deletion_approved",
      source: "api",
      client: approver.client,
      ...(approver.ticket ? { ticket: approver.ticket } : {}),
      detail: found.person.delete_after
        ? `permanent deletion approved; it happens after ${found.person.delete_after}`
        : "permanent deletion approved",
    },
    historyId: `approval#${at}#${approver.client}`,
  });
  const updated = await deps.people.getWithHistory(email);
  if (!updated) return { status: "not_found" };
  return { status: "approved", ...updated };
}
