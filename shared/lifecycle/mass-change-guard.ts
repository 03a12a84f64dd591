/**
 * The mass-change guard (docs/product.md, lifecycle invariant 7): when one client's offboards pass
 * its limit within 15 minutes, the next ones are accepted `held`: nothing changes in Dialpad until
 * an `approve` client releases them (release-job.ts). A stolen offboard token, or a runaway
 * integration, can so suspend at most `limit` people per window before someone looks.
 *
 * The rule lives here alone; the API's offboard intake asks it, and so will SCIM deactivations.
 * The count is a sliding window kept in the table (MassChangeCounter), not in memory, so it holds
 * across every API container. Only new offboards count: a replay of a request counts nothing.
 * Held offboards count too, so a client that keeps going stays held until it pauses 15 minutes.
 */
import { createHash } from "node:crypto";
import type { Job } from "./model";
import type { Clock, RequestKey } from "./ports";

export const MASS_CHANGE_WINDOW_MS = 15 * 60_000;
/** MASS_OFFBOARD_LIMIT's default: the limit of `scim` clients without one of their own. */
export const DEFAULT_SCIM_OFFBOARD_LIMIT = 10;

/** What the guard knows of the asking client (the client registry's entry, via its principal). */
export interface GuardedCaller {
  client: string;
  scopes: readonly string[];
  /** The registry entry's `mass_offboard_limit`; 0 = off. */
  massOffboardLimit?: number | undefined;
}

/**
 * The client's limit: its own registry entry's, else MASS_OFFBOARD_LIMIT for `scim` clients, else
 * none. 0 means off.
 */
export function massOffboardLimitOf(caller: GuardedCaller, scimDefault: number): number {
  if (caller.massOffboardLimit !== undefined) return caller.massOffboardLimit;
  return caller.scopes.includes("scim") ? scimDefault : 0;
}

/** One client's counted offboards: entry id → when (epoch ms). */
export type OffboardWindow = Record<string, number>;

/**
 * The table's count of each client's recent offboards. Adapters: shared/store (DynamoDB, one
 * item per client, written under a version condition) and the unit tests' in-memory one.
 */
export interface MassChangeCounter {
  /**
   * Counts `entry` (once: an entry already in the window is not counted again) at `atMs`, keeping
   * the newest `keep` entries of the last `windowMs`. Answers how many the window holds now.
   */
  add(client: string, entry: string, atMs: number, windowMs: number, keep: number): Promise<WindowCount>;
  /** Takes an entry this call added back out (its request turned out to be a replay). */
  remove(client: string, entry: string): Promise<void>;
}

export interface WindowCount {
  count: number;
  /** False when the entry was in the window already. */
  added: boolean;
}

/** The window after counting `entry` at `atMs`: entries older than the window dropped, the newest `keep` kept. */
export function windowAfterAdding(
  recent: OffboardWindow,
  entry: string,
  atMs: number,
  windowMs: number,
  keep: number,
): { recent: OffboardWindow; added: boolean } {
  const live = Object.entries(recent).filter(([, at]) => at > atMs - windowMs);
  const added = !live.some(([id]) => id === entry);
  if (added) live.push([entry, atMs]);
  live.sort(([, a], [, b]) => a - b);
  return { recent: Object.fromEntries(live.slice(-keep)), added };
}

/** The guard's count and settings, as intake is handed them. */
export interface MassChangeSettings {
  counter: MassChangeCounter;
  /** MASS_OFFBOARD_LIMIT: the limit of `scim` clients without one of their own. */
  scimDefaultLimit: number;
  /** Told each offboard the guard held (the JobsHeld metric and its alarm). */
  onHeld?: (job: Job) => void;
}

export interface GuardDeps {
  counter: MassChangeCounter;
  clock: Clock;
}

export type GuardDecision =
  | { held: false; uncount?: () => Promise<void> }
  | { held: true; reason: string; uncount: () => Promise<void> };

/**
 * Counts a new offboard of the caller and decides whether it is held. `uncount` takes it back out
 * when the request proves a replay of an accepted one (its job exists already).
 */
export async function checkOffboard(
  caller: GuardedCaller,
  key: Pick<RequestKey, "key">,
  limit: number,
  deps: GuardDeps,
): Promise<GuardDecision> {
  if (limit <= 0) return { held: false };
  const entry = createHash("sha256").update(key.key).digest("hex").slice(0, 32);
  const atMs = deps.clock.now().getTime();
  // The newest limit+1 entries tell whether the window passed the limit.
  const { count, added } = await deps.counter.add(
    caller.client,
    entry,
    atMs,
    MASS_CHANGE_WINDOW_MS,
    limit + 1,
  );
  const uncount = async () => {
    if (added) await deps.counter.remove(caller.client, entry);
  };
  if (count <= limit) return { held: false, uncount };
  return {
    held: true,
    reason: `Held by the mass-change guard: client ${caller.client} asked for more than ${limit} offboards within 15 minutes. Nothing changes in Dialpad until an approve client releases it (POST /v1/jobs/{job_id}/release) or cancels it.`,
    uncount,
  };
}

/** The offboard's intake hold (offboard.ts): the caller's limit, then the count; no guard, never held. */
export function guardOffboard(
  caller: GuardedCaller,
  key: Pick<RequestKey, "key">,
  deps: { massChange?: MassChangeSettings | undefined; clock: Clock },
): Promise<GuardDecision> {
  if (!deps.massChange) return Promise.resolve({ held: false });
  const limit = massOffboardLimitOf(caller, deps.massChange.scimDefaultLimit);
  return checkOffboard(caller, key, limit, { counter: deps.massChange.counter, clock: deps.clock });
}
