/**
 * Legal hold (litigation, HR investigation): while a hold stands, nobody deletes the person. The
 * sweeper skips held people and the delete job re-reads the record right before DELETE, so a hold
 * placed even while a deletion is queued or running stops it. Who may place and lift one is the
 * lifecycle policy's (decidePlaceHold, decideLiftHold): placing needs an active or suspended
 * person (`not_holdable`), lifting the client that placed it or an `admin` client
 * (`not_hold_owner`). Both write a history entry naming the client and are idempotent: a second
 * hold keeps the first, lifting no hold changes nothing. A deletion that is due goes ahead at the
 * next sweep after the lift; the lifting client may not approve it (separation of duties).
 */
import { NotFound } from "../errors/domain-errors";
import { type Actor, decideLiftHold, decidePlaceHold } from "../lifecycle/lifecycle-policy";
import type { HistoryEntry, Person } from "../lifecycle/model";
import type { Clock, PersonHistory, PersonWrites } from "../lifecycle/ports";

export interface HoldOutcome {
  status: "placed" | "already_held" | "lifted" | "not_held";
  person: Person;
  history: HistoryEntry[];
}

export async function placeHold(
  email: string,
  reason: string,
  requester: Actor,
  deps: { people: PersonHistory & Pick<PersonWrites, "apply">; clock: Clock },
): Promise<HoldOutcome> {
  const found = await deps.people.getWithHistory(email);
  const decision = decidePlaceHold(found?.person, reason, requester, deps.clock.now());
  if (!found || decision.outcome === "already_held") return { status: "already_held", ...recorded(found) };
  const { hold } = decision;
  await deps.people.apply(email, {
    set: { hold, updated_at: hold.at },
    history: {
      at: hold.at,
      action: "hold_placed",
      source: "api",
      client: requester.client,
      ...(requester.ticket ? { ticket: requester.ticket } : {}),
      detail: `legal hold: ${reason}`,
    },
    historyId: `hold#${hold.at}#${requester.client}`,
  });
  return reread(email, "placed", deps.people);
}

export async function liftHold(
  email: string,
  requester: Actor & { reason?: string },
  deps: { people: PersonHistory & Pick<PersonWrites, "apply">; clock: Clock },
): Promise<HoldOutcome> {
  const found = await deps.people.getWithHistory(email);
  const decision = decideLiftHold(found?.person, requester);
  if (!found || decision.outcome === "not_held") return { status: "not_held", ...recorded(found) };
  const { hold } = decision;
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

function recorded(found: { person: Person; history: HistoryEntry[] } | undefined) {
  if (!found) throw new NotFound("user_not_found", "We have no lifecycle record of this email.");
  return found;
}

async function reread(
  email: string,
  status: "placed" | "lifted",
  people: PersonHistory,
): Promise<HoldOutcome> {
  return { status, ...recorded(await people.getWithHistory(email)) };
}
