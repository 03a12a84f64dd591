/**
 * Legal hold (litigation, HR investigation): while a hold stands, nobody deletes the person. The
 * sweeper skips held people and the delete job re-reads the record right before DELETE, so a hold
 * placed even while a deletion is queued or running stops it. Placing, primary course: read the
 * record (NotFound when we have none) → refuse unless active or suspended (StateConflict
 * `not_holdable`) → set `hold` with a
 * history entry naming the client. Lifting removes it; a deletion that is due then goes ahead at
 * the next sweep. Both are idempotent: a second hold keeps the first, lifting no hold changes
 * nothing.
 */
import { NotFound, StateConflict } from "../errors/domain-errors";
import type { HistoryEntry, LegalHold, Person, Ticket } from "../lifecycle/model";
import type { Clock, PersonStore } from "../lifecycle/ports";

export interface HoldOutcome {
  status: "placed" | "already_held" | "lifted" | "not_held";
  person: Person;
  history: HistoryEntry[];
}

const HOLDABLE: ReadonlySet<Person["state"]> = new Set(["active", "suspended"]);

export interface HoldRequester {
  client: string;
  ticket?: Ticket;
}

export async function placeHold(
  email: string,
  reason: string,
  requester: HoldRequester,
  deps: { people: PersonStore; clock: Clock },
): Promise<HoldOutcome> {
  const found = await recordOf(email, deps.people);
  if (!HOLDABLE.has(found.person.state))
    throw new StateConflict(
      "not_holdable",
      `This person is ${found.person.state}: a legal hold is for active or suspended people.`,
    );
  if (found.person.hold) return { status: "already_held", ...found };
  const at = deps.clock.now().toISOString();
  const hold: LegalHold = {
    reason,
    by: requester.client,
    at,
    ...(requester.ticket ? { ticket: requester.ticket } : {}),
  };
  await deps.people.apply(email, {
    set: { hold, updated_at: at },
    history: {
      at,
      action: "hold_placed",
      source: "api",
      client: requester.client,
      ...(requester.ticket ? { ticket: requester.ticket } : {}),
      detail: `legal hold: ${reason}`,
    },
    historyId: `hold#${at}#${requester.client}`,
  });
  return reread(email, "placed", deps.people);
}

export async function liftHold(
  email: string,
  requester: HoldRequester & { reason?: string },
  deps: { people: PersonStore; clock: Clock },
): Promise<HoldOutcome> {
  const found = await recordOf(email, deps.people);
  const { hold } = found.person;
  if (!hold) return { status: "not_held", ...found };
  const at = deps.clock.now().toISOString();
  await deps.people.apply(email, {
    set: { updated_at: at },
    remove: ["hold"],
    history: {
      at,
      action: "hold_lifted",
      source: "api",
      client: requester.client,
      ...(requester.ticket ? { ticket: requester.ticket } : {}),
      detail: `legal hold placed ${hold.at} by ${hold.by} lifted${requester.reason ? `: ${requester.reason}` : ""}`,
    },
    historyId: `unhold#${at}#${requester.client}`,
  });
  return reread(email, "lifted", deps.people);
}

async function recordOf(email: string, people: PersonStore) {
  const found = await people.getWithHistory(email);
  if (!found) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  return found;
}

async function reread(email: string, status: "placed" | "lifted", people: PersonStore): Promise<HoldOutcome> {
  return { status, ...(await recordOf(email, people)) };
}
