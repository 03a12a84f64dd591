/**
 * Receiving one Dialpad webhook delivery, primary course: verify the JWS with our webhook keys
 * (refuse anything else, with no side effect) → read the event → record it once (a duplicate is
 * acknowledged and dropped) → for a user event, queue a user sync for the worker → acknowledge.
 * No Dialpad call happens here, so the answer comes well within Dialpad's 5 s: the worker re-reads
 * the user. Errors of our own storage or queue are thrown, so the handler answers 5xx and Dialpad
 * retries the delivery (it retries 5xx only).
 */
import type { Clock } from "../lifecycle/ports";
import { type DialpadEvent, eventIdOf, readDialpadEvent } from "./dialpad-event";
import type { UserSyncQueue } from "./user-sync-message";
import { InvalidEventSignature, type SignatureProblem, verifyEventToken } from "./verify-event-token";

/** What we keep of a received event (the EVENT# item), never the raw payload. */
export interface ReceivedEvent {
  event_id: string;
  received_at: string;
  kind: DialpadEvent["kind"];
  action: string;
  user_id?: string;
  occurred_at?: string;
}

export interface WebhookEventLog {
  /** Records the event unless it was already handled; answers false for a duplicate. */
  claim(event: ReceivedEvent, handled: boolean): Promise<boolean>;
  markHandled(eventId: string, at: string): Promise<void>;
}

export interface WebhookKeys {
  keys(): Promise<Uint8Array[]>;
  refreshedKeys(): Promise<Uint8Array[] | undefined>;
}

export interface ReceiveDeps {
  keys: WebhookKeys;
  events: WebhookEventLog;
  userSyncs: UserSyncQueue;
  clock: Clock;
}

export type ReceiveOutcome =
  | { status: "rejected"; problem: SignatureProblem }
  | { status: "queued" | "duplicate" | "ignored"; event: ReceivedEvent };

export async function receiveDialpadEvent(rawBody: string, deps: ReceiveDeps): Promise<ReceiveOutcome> {
  const now = deps.clock.now();
  let payload: Record<string, unknown>;
  try {
    payload = await verifyWithRotation(rawBody, deps.keys, now);
  } catch (error) {
    if (error instanceof InvalidEventSignature) return { status: "rejected", problem: error.problem };
    throw error;
  }

  const read = readDialpadEvent(payload);
  const event: ReceivedEvent = {
    event_id: eventIdOf(payload),
    received_at: now.toISOString(),
    kind: read.kind,
    action: read.action,
    ...(read.kind === "user" ? { user_id: read.userId } : {}),
    ...(read.kind === "user" && read.occurredAt ? { occurred_at: read.occurredAt } : {}),
  };
  if (read.kind !== "user") {
    const isNew = await deps.events.claim(event, true);
    return { status: isNew ? "ignored" : "duplicate", event };
  }
  if (!(await deps.events.claim(event, false))) return { status: "duplicate", event };
  await deps.userSyncs.enqueue({
    type: "user_sync",
    user_id: read.userId,
    event_id: event.event_id,
    ...(read.occurredAt ? { occurred_at: read.occurredAt } : {}),
  });
  await deps.events.markHandled(event.event_id, deps.clock.now().toISOString());
  return { status: "queued", event };
}

/** A signature no cached key matches may be a rotation we have not seen yet: re-read once. */
async function verifyWithRotation(token: string, keys: WebhookKeys, now: Date) {
  try {
    return await verifyEventToken(token, await keys.keys(), now);
  } catch (error) {
    if (!(error instanceof InvalidEventSignature) || error.problem !== "bad_signature") throw error;
    const fresh = await keys.refreshedKeys();
    if (!fresh) throw error;
    return verifyEventToken(token, fresh, now);
  }
}
