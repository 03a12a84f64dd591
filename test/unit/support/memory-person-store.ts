/**
 * PersonStore (and the sweeper's RetentionDueList) in memory, with the DynamoDB adapter's contract
 * (test/unit/store-contract.ts): a change and its history entry together, a history id applied once,
 * one lease holder at a time until it expires, emails compared case-insensitively, the due list
 * holding suspended records with a deadline, oldest first.
 */
import { RecordExists } from "../../../shared/errors/domain-errors";
import type { SuspensionCondition } from "../../../shared/lifecycle/lifecycle-policy";
import type { HistoryEntry, Person, ScimUser } from "../../../shared/lifecycle/model";
import type {
  Page,
  PageRequest,
  PersonChange,
  PersonFilter,
  PersonStore,
} from "../../../shared/lifecycle/ports";
import type { RetentionDueList } from "../../../shared/retention/run-sweep";
import {
  ScimUserChanged,
  type ScimUserLookup,
  type ScimUserPage,
  type ScimUserStore,
} from "../../../shared/scim/scim-user-store";
import { pageOf } from "./memory-page";

const normalise = (email: string) => email.trim().toLowerCase();
const copy = <T>(value: T): T => structuredClone(value);
/** A record exists once something set its state (a lease or a note alone is no record), as in DynamoDB. */
const recorded = (record: Person | undefined) => (typeof record?.state === "string" ? record : undefined);

interface StoredPerson {
  record?: Person;
  history: Map<string, HistoryEntry>;
  lease?: { holder: string; expiresMs: number };
  openOnboardJobId?: string;
  deleteJob?: { for: string; id: string };
  scim?: ScimUser;
}

export class InMemoryPersonStore implements PersonStore, RetentionDueList, ScimUserStore {
  private readonly people = new Map<string, StoredPerson>();

  async get(email: string): Promise<Person | undefined> {
    return copy(recorded(this.people.get(normalise(email))?.record));
  }

  async getWithHistory(email: string) {
    const stored = this.people.get(normalise(email));
    if (!recorded(stored?.record) || !stored?.record) return undefined;
    const history = [...stored.history.values()].sort((a, b) => a.at.localeCompare(b.at));
    return { person: copy(stored.record), history: copy(history) };
  }

  async findByUserId(userId: string): Promise<Person | undefined> {
    for (const { record } of this.people.values())
      if (recorded(record)?.user_id === userId) return copy(record);
    return undefined;
  }

  async list(filter: PersonFilter & { requireApproval: boolean }, page: PageRequest): Promise<Page<Person>> {
    const records = [...this.people.values()].flatMap(({ record }) =>
      recorded(record) ? [record as Person] : [],
    );
    const pending = (p: Person) => p.state === "suspended" && p.delete_after !== undefined;
    const matching = records.filter(
      (p) =>
        (!filter.state || p.state === filter.state) &&
        (filter.deletion !== "pending" || pending(p)) &&
        (filter.deletion !== "awaiting_approval" ||
          (pending(p) &&
            !p.deletion_approved_at &&
            (filter.requireApproval || p.deletion_requires_approval === true))) &&
        (filter.deletion !== "held" || p.hold !== undefined),
    );
    const byDeadline = filter.deletion === "pending" || filter.deletion === "awaiting_approval";
    matching.sort((a, b) =>
      byDeadline
        ? `${a.delete_after}#${a.email}`.localeCompare(`${b.delete_after}#${b.email}`)
        : `${b.updated_at}#${b.email}`.localeCompare(`${a.updated_at}#${a.email}`),
    );
    const listed = pageOf(matching, page, `people:${filter.deletion ?? "all"}`);
    return { ...listed, items: listed.items.map(copy) };
  }

  async apply(email: string, change: PersonChange): Promise<void> {
    const stored = this.entry(email);
    if (stored.history.has(change.historyId)) return; // applied by an earlier attempt
    this.write(email, stored, change);
  }

  async applyWithinSuspension(
    email: string,
    change: PersonChange,
    condition: SuspensionCondition,
  ): Promise<boolean> {
    const stored = this.entry(email);
    if (stored.history.has(change.historyId)) return true;
    const record = recorded(stored.record);
    const { suspended_at, delete_after_at_least: atLeast } = condition;
    const deadlineHolds =
      atLeast === undefined
        ? record?.delete_after === undefined
        : record?.delete_after !== undefined && record.delete_after >= atLeast;
    if (record?.state !== "suspended" || record.suspended_at !== suspended_at || !deadlineHolds) return false;
    this.write(email, stored, change);
    return true;
  }

  async recordNew(email: string, change: PersonChange): Promise<boolean> {
    const stored = this.entry(email);
    if (stored.history.has(change.historyId)) return true;
    if (recorded(stored.record)) return false;
    this.write(email, stored, change);
    return true;
  }

  async rekey(oldEmail: string, newEmail: string, change: PersonChange): Promise<void> {
    const from = this.entry(oldEmail);
    const to = this.entry(newEmail);
    if (!recorded(from.record) || !from.record) {
      if (to.history.has(change.historyId)) return; // moved by an earlier attempt
      throw new Error("no lifecycle record to move");
    }
    if (recorded(to.record)) throw new RecordExists(newEmail);
    for (const [id, entry] of from.history) to.history.set(id, entry);
    to.record = { ...from.record, email: normalise(newEmail) };
    if (from.openOnboardJobId) to.openOnboardJobId = from.openOnboardJobId;
    if (from.deleteJob) to.deleteJob = from.deleteJob;
    if (from.scim) to.scim = { ...from.scim, email: normalise(newEmail) };
    this.write(newEmail, to, change);
    // Only the lease (if a job holds one) stays behind.
    this.people.set(normalise(oldEmail), {
      history: new Map(),
      ...(from.lease ? { lease: from.lease } : {}),
    });
  }

  async noteOnboardJob(email: string, jobId: string): Promise<void> {
    this.entry(email).openOnboardJobId = jobId;
  }

  async openOnboardJob(email: string): Promise<string | undefined> {
    return this.people.get(normalise(email))?.openOnboardJobId;
  }

  async acquireLease(email: string, jobId: string, nowMs: number, ttlMs: number): Promise<boolean> {
    const stored = this.entry(email);
    const lease = stored.lease;
    if (lease && lease.holder !== jobId && lease.expiresMs >= nowMs) return false;
    stored.lease = { holder: jobId, expiresMs: nowMs + ttlMs };
    return true;
  }

  async releaseLease(email: string, jobId: string): Promise<void> {
    const stored = this.people.get(normalise(email));
    if (stored?.lease?.holder === jobId) delete stored.lease;
  }

  async forgetDeleteJob(email: string, jobId: string): Promise<void> {
    const stored = this.people.get(normalise(email));
    if (stored?.deleteJob?.id === jobId) delete stored.deleteJob;
  }

  async *dueForDeletion(
    nowIso: string,
    pageSize = 250,
  ): AsyncIterable<(Person & { delete_job_for?: string })[]> {
    const upper = `${nowIso}#\uffff`;
    const due = [...this.people.values()]
      .filter(({ record }) => record?.state === "suspended" && record.delete_after)
      .map((stored) => ({ stored, sortKey: `${stored.record?.delete_after}#${stored.record?.email}` }))
      .filter(({ sortKey }) => sortKey <= upper)
      .sort((a, b) => a.sortKey.localeCompare(b.sortKey))
      .map(({ stored }) => ({
        ...copy(stored.record as Person),
        ...(stored.deleteJob ? { delete_job_for: stored.deleteJob.for } : {}),
      }));
    for (let i = 0; i < due.length; i += pageSize) yield due.slice(i, i + pageSize);
  }

  async noteDeleteJobQueued(email: string, deleteAfter: string, jobId: string): Promise<void> {
    const stored = this.people.get(normalise(email));
    if (!stored?.record && !stored?.lease) throw new Error(`no record of ${email}`);
    stored.deleteJob = { for: deleteAfter, id: jobId };
  }

  async scimUserOf(email: string): Promise<ScimUser | undefined> {
    return copy(this.people.get(normalise(email))?.scim);
  }

  async findScimUser(by: ScimUserLookup): Promise<ScimUser | undefined> {
    const matches = (user: ScimUser) =>
      "id" in by
        ? user.id === by.id
        : "userName" in by
          ? user.user_name.toLowerCase() === by.userName.toLowerCase()
          : user.external_id === by.externalId;
    const found = this.listed().find(matches);
    return found && copy(found);
  }

  async listScimUsers(startIndex: number, count: number): Promise<ScimUserPage> {
    const listed = this.listed().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { total: listed.length, users: copy(listed.slice(startIndex - 1, startIndex - 1 + count)) };
  }

  async saveScimUser(user: ScimUser, expected: string | null, change?: PersonChange): Promise<void> {
    const stored = this.entry(user.email);
    if ((stored.scim?.updated_at ?? null) !== expected) throw new ScimUserChanged(normalise(user.email));
    stored.scim = { ...copy(user), email: normalise(user.email) };
    if (change && !stored.history.has(change.historyId)) this.write(user.email, stored, change);
  }

  async getMany(emails: readonly string[]): Promise<Map<string, Person>> {
    const found = new Map<string, Person>();
    for (const email of emails) {
      const person = recorded(this.people.get(normalise(email))?.record);
      if (person) found.set(person.email, copy(person));
    }
    return found;
  }

  /** SCIM users SCIM lists: not SCIM-deleted. */
  private listed(): ScimUser[] {
    return [...this.people.values()].flatMap(({ scim }) =>
      scim && scim.deleted_at === undefined ? [scim] : [],
    );
  }

  /** Test helper: who holds the person's lease, if anyone. */
  leaseHolder(email: string): string | undefined {
    return this.people.get(normalise(email))?.lease?.holder;
  }

  private entry(email: string): StoredPerson {
    const key = normalise(email);
    let stored = this.people.get(key);
    if (!stored) {
      stored = { history: new Map() };
      this.people.set(key, stored);
    }
    return stored;
  }

  private write(email: string, stored: StoredPerson, change: PersonChange) {
    const record: Record<string, unknown> = {
      ...stored.record,
      ...copy(change.set),
      email: normalise(email),
    };
    for (const field of change.remove ?? []) delete record[field];
    stored.record = record as unknown as Person;
    stored.history.set(change.historyId, copy(change.history));
  }
}
