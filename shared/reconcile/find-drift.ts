/**
 * Comparing Dialpad with our records, primary course: page through every live Dialpad user (one
 * request per 100 users, on the caller's rate-limited client) → find each one's record (by user id,
 * else by email) → note unknown users, state mismatches and suspended users without a retention
 * clock → page through Dialpad's deleted users and note records that still call them live. Record
 * look-ups of one page run concurrently; Dialpad requests stay sequential (cursor paging).
 */
import type { DialpadApi } from "../dialpad/api";
import type { DialpadUser } from "../dialpad/schemas";
import type { Person } from "../lifecycle/model";
import { type DriftEntry, type DriftFindings, MAX_LISTED } from "./drift-report";

export interface ReconcileRecords {
  findByUserId(userId: string): Promise<Person | undefined>;
  get(email: string): Promise<Person | undefined>;
}

const PAGE = 100;

/** Our state and Dialpad's agree; an invited (`pending`) user is live as far as we are concerned. */
const agrees = (record: Person["state"], dialpad: string | undefined) =>
  record === dialpad || (record === "active" && dialpad === "pending");

export async function findDrift(
  dialpad: DialpadApi,
  records: ReconcileRecords,
  options: { concurrency?: number } = {},
): Promise<DriftFindings> {
  const findings: DriftFindings = {
    counts: {
      dialpad_users: 0,
      deleted_users_checked: 0,
      records_matched: 0,
      unknown_in_dialpad: 0,
      state_mismatch: 0,
      suspended_without_retention: 0,
      drifted_users: 0,
    },
    unknown_in_dialpad: [],
    state_mismatch: [],
    suspended_without_retention: [],
    truncated: false,
  };
  const drifted = new Set<string>();
  const note = (
    kind: "unknown_in_dialpad" | "state_mismatch" | "suspended_without_retention",
    entry: DriftEntry,
  ) => {
    findings.counts[kind] += 1;
    drifted.add(entry.user_id);
    if (findings[kind].length < MAX_LISTED) findings[kind].push(entry);
    else findings.truncated = true;
  };
  const lookUp = async (user: DialpadUser) => {
    const byId = await records.findByUserId(user.id);
    if (byId?.user_id === user.id) return byId;
    const email = user.emails?.[0]?.toLowerCase();
    const byEmail = email ? await records.get(email) : undefined;
    // A record of the same email naming another user tracks that other account, not this one.
    return byEmail && (!byEmail.user_id || byEmail.user_id === user.id) ? byEmail : undefined;
  };
  const concurrency = options.concurrency ?? 16;

  for await (const page of chunks(dialpad.listUsers(), PAGE)) {
    const matched = await mapConcurrently(page, concurrency, lookUp);
    page.forEach((user, i) => {
      findings.counts.dialpad_users += 1;
      const record = matched[i];
      const entry: DriftEntry = {
        user_id: user.id,
        ...(user.emails?.[0] ? { email: user.emails[0].toLowerCase() } : {}),
        dialpad_state: user.state ?? "unknown",
        ...(record ? { record_state: record.state } : {}),
        ...(record?.delete_after ? { delete_after: record.delete_after } : {}),
      };
      if (!record) note("unknown_in_dialpad", entry);
      else {
        findings.counts.records_matched += 1;
        if (record.state !== "onboarding" && !agrees(record.state, user.state)) note("state_mismatch", entry);
      }
      if (user.state === "suspended" && !record?.delete_after) note("suspended_without_retention", entry);
    });
  }

  for await (const page of chunks(dialpad.listUsers({ state: "deleted" }), PAGE)) {
    const matched = await mapConcurrently(page, concurrency, (user) => records.findByUserId(user.id));
    page.forEach((user, i) => {
      findings.counts.deleted_users_checked += 1;
      const record = matched[i];
      if (record && record.user_id === user.id && record.state !== "deleted")
        note("state_mismatch", {
          user_id: user.id,
          ...(record.email ? { email: record.email } : {}),
          dialpad_state: "deleted",
          record_state: record.state,
          ...(record.delete_after ? { delete_after: record.delete_after } : {}),
        });
    });
  }
  findings.counts.drifted_users = drifted.size;
  return findings;
}

async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncIterable<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}
