/**
 * Approving a person's permanent deletion (a human in the loop: REQUIRE_DELETION_APPROVAL, and any
 * suspension made by hand), primary course: read the record (unknown → not found) → refuse unless
 * suspended (nothing to approve) → refuse the client that requested the offboard (four eyes) → set
 * deletion_approved_at with a history entry naming the client. Approving twice keeps the first.
 */
import { NotFound, NotPermitted, StateConflict } from "../errors/domain-errors";
import type { HistoryEntry, Person, Ticket } from "../lifecycle/model";
import type { Clock, PersonStore } from "../lifecycle/ports";

export interface Approval {
  person: Person;
  history: HistoryEntry[];
}

export async function approveDeletion(
  email: string,
  approver: { client: string; ticket?: Ticket; admin?: boolean },
  deps: { people: PersonStore; clock: Clock },
): Promise<Approval> {
  const found = await deps.people.getWithHistory(email);
  if (!found) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  const { person, history } = found;
  if (person.state !== "suspended") {
    throw new StateConflict(
      "not_suspended",
      `This person is ${person.state}, not suspended: there is no pending deletion to approve.`,
    );
  }
  if (offboardRequester(history) === approver.client) {
    throw new NotPermitted(
      "A deletion must be approved by another client than the one that requested the offboard.",
      "self_approval",
    );
  }
  if (person.deletion_approved_at) return found;
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
      detail: person.delete_after
        ? `permanent deletion approved; it happens after ${person.delete_after}`
        : "permanent deletion approved",
    },
    historyId: `approval#${at}#${approver.client}`,
  });
  const updated = await deps.people.getWithHistory(email);
  if (!updated) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  return updated;
}

/** The client whose offboard led to the pending deletion; none for a suspension made by hand. */
function offboardRequester(history: readonly HistoryEntry[]): string | undefined {
  return history.findLast((entry) => entry.action === "offboarded")?.client;
}
