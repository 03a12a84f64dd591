/**
 * Legal hold (litigation, HR investigation): while a hold stands, nobody deletes the person. The
 * sweeper skips held people and the delete job re-reads the record right before DELETE, so a hold
 * placed even while a deletion is queued or running stops it. Placing, primary course: read the
 * record (not_found when we have none) → refuse unless active or suspended → set `hold` with a
 * history entry naming the client. Lifting removes it; a deletion that is due then goes ahead at
 * the next sweep. Both are idempotent: a second hold keeps the first, lifting no hold changes
 * nothing.
 */
import type { HistoryEntry, LegalHold, Person, Ticket } from "../lifecycle/model";
import type { Clock, PersonStore } from "../lifecycle/ports";

export type HoldOutcome =
  | { status: "placed" | "already_held" | "lifted" | "not_held"; person: Person; history: HistoryEntry[] }
  | { status: "not_found" }
  | { status: "not_holdable"; state: Person["state"] };

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
  const found = await deps.people.getWithHistory(email);
  if (!found) return { status: "not_found" };
  if (!HOLDABLE.has(found.person.state)) return { status: "not_holdable", state: found.person.state };
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
  const found = await deps.people.getWithHistory(email);
  if (!found) return { status: "not_found" };
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

async function reread(email: string, status: "placed" | "lifted", people: PersonStore): Promise<HoldOutcome> {
  const updated = await people.getWithHistory(email);
  return updated ? { status, ...updated } : { status: "not_found" };
}
