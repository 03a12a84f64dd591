/**
 * DynamoDB adapter of the PersonStore port: one record item per person (state, retention, lease)
 * and one item per history entry under the same partition, so a person and its history are read
 * with one Query. The record carries the sparse GSI keys: the retention due list (gsi1, only while
 * suspended with a delete_after), the Dialpad user id (gsi2), the list of people (gsi3, by
 * updated_at) and the list of people under a legal hold (gsi4).
 *
 * A deleted person's record and history expire `recordDays` (PERSON_RECORD_DAYS) after the
 * deletion: every item of the partition carries the table's TTL attribute, and since DynamoDB removes
 * expired items only within days, reads treat an item past it as gone. A change to any other state
 * (a rehire) lifts the expiry from the record and its whole history.
 */

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { RecordExists } from "../errors/domain-errors";
import type { SuspensionCondition } from "../lifecycle/lifecycle-policy";
import { type HistoryEntry, normaliseEmail, type Person, type ScimUser } from "../lifecycle/model";
import type { Page, PageRequest, PersonChange, PersonFilter, PersonStore } from "../lifecycle/ports";
import {
  ScimUserChanged,
  type ScimUserLookup,
  type ScimUserPage,
  type ScimUserStore,
} from "../scim/scim-user-store";
import { CONDITIONS, cancellationReasons, isConditionFailed } from "./conditional";
import { PERSON_KEYS } from "./item-keys";
import { queryPage } from "./list-page";
import { queryPages } from "./query-pages";
import { SCIM_USER_KEYS, TABLE_KEYS } from "./table-definition";

const personPk = (email: string) => PERSON_KEYS.partition(normaliseEmail(email));
const recordKey = (email: string) => PERSON_KEYS.record(normaliseEmail(email));
const RETENTION_PARTITION = PERSON_KEYS.retentionPartition;
const TTL = TABLE_KEYS.timeToLive;
const DAY_SECONDS = 24 * 3600;
/** Days a deleted person's record and history are kept (PERSON_RECORD_DAYS). */
export const DEFAULT_PERSON_RECORD_DAYS = 400;

/** False for an item whose TTL has passed: DynamoDB may not have removed it yet, but it is gone. */
const liveAt = (nowMs: number) => (item: Record<string, unknown>) =>
  typeof item[TTL] !== "number" || (item[TTL] as number) * 1000 > nowMs;

/** A record on the retention due list, with the deadline its queued delete job was made for. */
export type DuePerson = Person & { delete_job_for?: string };

const RECORD_FIELDS = [
  "email",
  "user_id",
  "state",
  "office_id",
  "suspended_at",
  "delete_after",
  "deleted_at",
  "deletion_approved_at",
  "hold",
  "deletion_requires_approval",
  "deletion_admin_authority",
  "suspended_by",
  "phone_numbers",
  "updated_at",
] as const satisfies readonly (keyof Person)[];

function toPerson(item: Record<string, unknown>): Person | undefined {
  if (typeof item.state !== "string") return undefined; // a lease-only item: nothing recorded yet
  const person: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) person[field] = item[field];
  return person as unknown as Person;
}

/** Store-only fields of a record: the sweeper's note of its delete job, the open onboarding. */
const INTERNAL_RECORD_FIELDS = ["delete_job_for", "delete_job_id", "open_onboard_job_id"] as const;
const {
  retentionIndex: RETENTION_INDEX,
  userIdIndex: USER_ID_INDEX,
  listIndex: LIST_INDEX,
  lookupIndex: HELD_INDEX,
} = TABLE_KEYS;
const INDEX_FIELDS = {
  retentionPk: RETENTION_INDEX.partitionKey,
  retentionSk: RETENTION_INDEX.sortKey,
  userIdPk: USER_ID_INDEX.partitionKey,
  userIdSk: USER_ID_INDEX.sortKey,
  listPk: LIST_INDEX.partitionKey,
  listSk: LIST_INDEX.sortKey,
  heldPk: HELD_INDEX.partitionKey,
  heldSk: HELD_INDEX.sortKey,
};
const PEOPLE_PARTITION = PERSON_KEYS.listPartition;
/** The record fields a conditional change may name (`#c_<field>`). */
const CONDITION_NAMES = {
  "#c_ttl": TTL,
  "#c_state": "state",
  "#c_suspended_at": "suspended_at",
  "#c_delete_after": "delete_after",
};
const HELD_PARTITION = PERSON_KEYS.heldPartition;
/** The condition of a record that carries no expiry (no deletion recorded on it). */
const NO_EXPIRY = { expression: "attribute_not_exists(#c_ttl)" };
/** The condition of an email without a record yet (an import's first write). */
const NOT_RECORDED = { expression: "attribute_not_exists(#c_state)" };

/**
 * The condition of a record still in the suspension a decision was made on: suspended, the same
 * `suspended_at`, a `delete_after` at or after the given one (absent ones still absent).
 */
function suspensionUnchanged(condition: SuspensionCondition) {
  const values: Record<string, unknown> = { ":c_suspended": "suspended" };
  const clauses = ["#c_state = :c_suspended"];
  if (condition.suspended_at === undefined) clauses.push("attribute_not_exists(#c_suspended_at)");
  else {
    clauses.push("#c_suspended_at = :c_suspended_at");
    values[":c_suspended_at"] = condition.suspended_at;
  }
  if (condition.delete_after_at_least === undefined) clauses.push("attribute_not_exists(#c_delete_after)");
  else {
    clauses.push("#c_delete_after >= :c_delete_after");
    values[":c_delete_after"] = condition.delete_after_at_least;
  }
  return { expression: CONDITIONS.all(...clauses), values };
}

/** The record's UpdateExpression for a change, keeping the sparse index keys in step with it. */
function recordUpdate(
  email: string,
  change: Pick<PersonChange, "set" | "remove">,
  /** The record's TTL: a number sets it, null removes it, undefined leaves it. */
  expiresAt?: number | null,
) {
  const set: Record<string, unknown> = { ...change.set, email: normaliseEmail(email) };
  const remove = new Set<string>(change.remove ?? []);
  for (const field of remove) delete set[field];
  if (typeof expiresAt === "number") set[TTL] = expiresAt;
  else if (expiresAt === null) remove.add(TTL);
  if (set.user_id) {
    set[INDEX_FIELDS.userIdPk] = PERSON_KEYS.ofUserId(String(set.user_id));
    set[INDEX_FIELDS.userIdSk] = PERSON_KEYS.recordSortKey;
  }
  // Every record is on the list of people, most recently changed first.
  set[INDEX_FIELDS.listPk] = PEOPLE_PARTITION;
  if (typeof set.updated_at === "string")
    set[INDEX_FIELDS.listSk] = `${set.updated_at}#${normaliseEmail(email)}`;
  // The held list holds a record while its legal hold stands.
  const hold = set.hold as Person["hold"] | undefined;
  if (hold) {
    set[INDEX_FIELDS.heldPk] = HELD_PARTITION;
    set[INDEX_FIELDS.heldSk] = `${hold.at}#${normaliseEmail(email)}`;
  } else if (remove.has("hold")) {
    remove.add(INDEX_FIELDS.heldPk).add(INDEX_FIELDS.heldSk);
  }
  // The retention due list holds a record only while it is suspended with a deadline.
  if (set.state === "suspended" && set.delete_after) {
    set[INDEX_FIELDS.retentionPk] = RETENTION_PARTITION;
    set[INDEX_FIELDS.retentionSk] = `${set.delete_after}#${normaliseEmail(email)}`;
  } else if (set.state !== undefined || remove.has("delete_after")) {
    remove.add(INDEX_FIELDS.retentionPk).add(INDEX_FIELDS.retentionSk);
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const setClauses = Object.entries(set).map(([field, value], i) => {
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removeClauses = [...remove].map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  return {
    UpdateExpression: `SET ${setClauses.join(", ")}${removeClauses.length ? ` REMOVE ${removeClauses.join(", ")}` : ""}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function toHistory(item: Record<string, unknown>): HistoryEntry {
  const { pk: _pk, sk: _sk, ...entry } = item;
  return entry as unknown as HistoryEntry;
}

/** The SCIM item of a user: its fields, and the index keys while SCIM lists it. */
function scimItem(user: ScimUser): Record<string, unknown> {
  const email = normaliseEmail(user.email);
  const listed = user.deleted_at === undefined;
  return {
    ...user,
    email,
    pk: personPk(email),
    sk: SCIM_USER_KEYS.sortKey,
    ...(listed
      ? {
          [INDEX_FIELDS.listPk]: SCIM_USER_KEYS.listPartition,
          [INDEX_FIELDS.listSk]: user.id,
          [INDEX_FIELDS.userIdPk]: SCIM_USER_KEYS.userName(user.user_name),
          [INDEX_FIELDS.userIdSk]: SCIM_USER_KEYS.sortKey,
          ...(user.external_id === undefined
            ? {}
            : {
                [INDEX_FIELDS.heldPk]: SCIM_USER_KEYS.externalId(user.external_id),
                [INDEX_FIELDS.heldSk]: SCIM_USER_KEYS.sortKey,
              }),
        }
      : {}),
  };
}

function toScimUser(item: Record<string, unknown>): ScimUser {
  const { pk: _pk, sk: _sk, [TTL]: _ttl, ...rest } = item;
  for (const field of Object.values(INDEX_FIELDS)) delete rest[field];
  return rest as unknown as ScimUser;
}

export class DynamoPersonStore implements PersonStore, ScimUserStore {
  private readonly recordDays: number;
  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { recordDays?: number; now?: () => number } = {},
  ) {
    this.recordDays = options.recordDays ?? DEFAULT_PERSON_RECORD_DAYS;
    this.now = options.now ?? Date.now;
  }

  private live(item: Record<string, unknown> | undefined): item is Record<string, unknown> {
    return item !== undefined && liveAt(this.now())(item);
  }

  async get(email: string): Promise<Person | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(email), ConsistentRead: true }),
    );
    return this.live(result.Item) ? toPerson(result.Item) : undefined;
  }

  async getWithHistory(email: string) {
    const items: Record<string, unknown>[] = [];
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": personPk(email) },
      ConsistentRead: true,
    });
    for await (const page of pages) items.push(...page.filter(liveAt(this.now())));
    const record = items.find((item) => item.sk === PERSON_KEYS.recordSortKey);
    const person = record && toPerson(record);
    if (!person) return undefined;
    const history = items
      .filter((item) => String(item.sk).startsWith(PERSON_KEYS.historyPrefix))
      .map(toHistory)
      .sort((a, b) => a.at.localeCompare(b.at));
    return { person, history };
  }

  async findByUserId(userId: string): Promise<Person | undefined> {
    const { name, partitionKey } = TABLE_KEYS.userIdIndex;
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: name,
        KeyConditionExpression: `${partitionKey} = :id`,
        ExpressionAttributeValues: { ":id": PERSON_KEYS.ofUserId(userId) },
      }),
    );
    const item = result.Items?.[0];
    return this.live(item) ? toPerson(item) : undefined;
  }

  /**
   * The retention due list: suspended people whose delete_after is at or before `nowIso`, oldest
   * first, one page of the sparse retention index at a time (an index query, never a scan).
   */
  async *dueForDeletion(nowIso: string, pageSize = 250): AsyncIterable<DuePerson[]> {
    const { name, partitionKey, sortKey } = TABLE_KEYS.retentionIndex;
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: name,
      // Sort keys are "<delete_after>#<email>": everything up to "<now>#\uffff" is due.
      KeyConditionExpression: `${partitionKey} = :due AND ${sortKey} <= :upper`,
      ExpressionAttributeValues: { ":due": RETENTION_PARTITION, ":upper": `${nowIso}#\uffff` },
      Limit: pageSize,
    });
    for await (const items of pages) {
      const people = items.flatMap((item) => {
        const person = toPerson(item);
        if (!person) return [];
        const queuedFor = item.delete_job_for;
        return [typeof queuedFor === "string" ? { ...person, delete_job_for: queuedFor } : person];
      });
      if (people.length > 0) yield people;
    }
  }

  /**
   * Remembers that the delete job for this deadline is queued, so later sweeps skip the person
   * without touching the job (a new offboarding sets a new deadline, which no note matches).
   */
  async noteDeleteJobQueued(email: string, deleteAfter: string, jobId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: recordKey(email),
        UpdateExpression: "SET delete_job_for = :for, delete_job_id = :job",
        ConditionExpression: CONDITIONS.itemExists,
        ExpressionAttributeValues: { ":for": deleteAfter, ":job": jobId },
      }),
    );
  }

  async forgetDeleteJob(email: string, jobId: string): Promise<void> {
    // Only this job's note: a newer job's note stays.
    await this.removeWhileHeld(email, ["delete_job_for", "delete_job_id"], "delete_job_id", jobId);
  }

  async list(filter: PersonFilter & { requireApproval: boolean }, page: PageRequest): Promise<Page<Person>> {
    const onRetentionList = filter.deletion === "pending" || filter.deletion === "awaiting_approval";
    const [index, partition] = onRetentionList
      ? [RETENTION_INDEX, RETENTION_PARTITION]
      : filter.deletion === "held"
        ? [HELD_INDEX, HELD_PARTITION]
        : [LIST_INDEX, PEOPLE_PARTITION];
    const names: Record<string, string> = { "#pk": index.partitionKey };
    const values: Record<string, unknown> = { ":pk": partition };
    const conditions: string[] = [];
    if (filter.state) {
      names["#state"] = "state";
      values[":state"] = filter.state;
      conditions.push("#state = :state");
    }
    if (filter.deletion === "awaiting_approval") {
      conditions.push("attribute_not_exists(deletion_approved_at)");
      // Without approvals required service-wide, only hand suspensions wait for one.
      if (!filter.requireApproval) {
        values[":true"] = true;
        conditions.push("deletion_requires_approval = :true");
      }
    }
    const { items, nextCursor } = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: "#pk = :pk",
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(" AND ") } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        // Deletions soonest first; everything else most recent first.
        ScanIndexForward: onRetentionList,
      },
      page,
      ["pk", "sk", index.partitionKey, index.sortKey],
    );
    return {
      items: items
        .filter(liveAt(this.now()))
        .map(toPerson)
        .filter((person): person is Person => person !== undefined),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async apply(email: string, change: PersonChange): Promise<void> {
    await this.writeChange(email, change);
  }

  async recordNew(email: string, change: PersonChange): Promise<boolean> {
    return this.writeChange(email, change, NOT_RECORDED);
  }

  async applyWithinSuspension(
    email: string,
    change: PersonChange,
    condition: SuspensionCondition,
  ): Promise<boolean> {
    return this.writeChange(email, change, suspensionUnchanged(condition));
  }

  /** Applies the change with its history entry; false when `condition` (on the record) did not hold. */
  private async writeChange(
    email: string,
    change: PersonChange,
    condition?: { expression: string; values?: Record<string, unknown> },
  ): Promise<boolean> {
    // A change to a live state needs the record's expiry lifted only from a deleted record (a
    // rehire): first try it as a record without one, in one write; only a record that has an
    // expiry takes the long way (history first, record last).
    const state = change.set.state;
    if (!condition && state !== undefined && state !== "deleted") {
      const written = await this.transactChange(email, change, undefined, NO_EXPIRY);
      if (written !== "condition_failed") return true;
    }
    // A conditional change (a suspension's, a first record) never applies to a deleted record.
    const expiresAt = condition ? undefined : await this.expiryOf(email, change);
    const written = await this.transactChange(email, change, expiresAt, condition);
    return written !== "condition_failed";
  }

  /**
   * The record's change and its history entry in one transaction: "applied", "repeat" when the
   * history entry exists (an earlier attempt applied this very change), "condition_failed" when
   * `condition` (on the record) did not hold.
   */
  private async transactChange(
    email: string,
    change: PersonChange,
    expiresAt: number | null | undefined,
    condition?: { expression: string; values?: Record<string, unknown> },
  ): Promise<"applied" | "repeat" | "condition_failed"> {
    const update = recordUpdate(email, change, expiresAt);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: recordKey(email),
                ...update,
                ...(condition
                  ? {
                      ConditionExpression: condition.expression,
                      ExpressionAttributeNames: {
                        ...update.ExpressionAttributeNames,
                        // Only the names the condition uses: DynamoDB refuses unused ones.
                        ...Object.fromEntries(
                          Object.entries(CONDITION_NAMES).filter(([name]) =>
                            condition.expression.includes(name),
                          ),
                        ),
                      },
                      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...condition.values },
                    }
                  : {}),
              },
            },
            this.historyPut(email, change, expiresAt),
          ],
        }),
      );
      return "applied";
    } catch (error) {
      const reasons = cancellationReasons(error);
      // The history entry exists: this exact change was applied by an earlier attempt.
      if (reasons?.[1] === "ConditionalCheckFailed") return "repeat";
      if (condition && reasons?.[0] === "ConditionalCheckFailed") return "condition_failed";
      throw error;
    }
  }

  async rekey(oldEmail: string, newEmail: string, change: PersonChange): Promise<void> {
    const items: Record<string, unknown>[] = [];
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": personPk(oldEmail) },
      ConsistentRead: true,
    });
    for await (const page of pages) items.push(...page);
    const record = items.find((item) => item.sk === PERSON_KEYS.recordSortKey);
    const person = record && toPerson(record);
    if (!person) {
      // Moved by an earlier attempt (its history entry is there), or nothing to move.
      const moved = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: personPk(newEmail), sk: PERSON_KEYS.history(change.historyId) },
          ConsistentRead: true,
        }),
      );
      if (moved.Item) return;
      throw new Error("no lifecycle record to move");
    }
    // History (and the SCIM item) first, in transactions of 50 copy+delete pairs: a repeat after a
    // crash copies the rest.
    const moving = items.flatMap((item) => {
      if (String(item.sk).startsWith(PERSON_KEYS.historyPrefix))
        return [{ from: item, to: { ...item, pk: personPk(newEmail) } }];
      if (item.sk !== SCIM_USER_KEYS.sortKey) return [];
      return [{ from: item, to: scimItem({ ...toScimUser(item), email: normaliseEmail(newEmail) }) }];
    });
    for (let i = 0; i < moving.length; i += 50) {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: moving
            .slice(i, i + 50)
            .flatMap(({ from, to }) => [
              { Put: { TableName: this.tableName, Item: to } },
              { Delete: { TableName: this.tableName, Key: { pk: from.pk, sk: from.sk } } },
            ]),
        }),
      );
    }
    const { email: _email, ...fields } = person;
    const moved = recordUpdate(newEmail, {
      ...change,
      set: { ...fields, ...change.set },
    });
    const leftBehind = [...RECORD_FIELDS, ...INTERNAL_RECORD_FIELDS, ...Object.values(INDEX_FIELDS)];
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: recordKey(newEmail),
                ...moved,
                ConditionExpression: "attribute_not_exists(#state)",
                ExpressionAttributeNames: { ...moved.ExpressionAttributeNames, "#state": "state" },
              },
            },
            {
              // Only the lease (if a job holds one) and a note of where the record went stay behind.
              Update: {
                TableName: this.tableName,
                Key: recordKey(oldEmail),
                UpdateExpression: `SET moved_to = :to REMOVE ${leftBehind.map((_, i) => `#f${i}`).join(", ")}`,
                ExpressionAttributeNames: Object.fromEntries(leftBehind.map((field, i) => [`#f${i}`, field])),
                ExpressionAttributeValues: { ":to": normaliseEmail(newEmail) },
              },
            },
            this.historyPut(newEmail, change),
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[2] === "ConditionalCheckFailed") return; // moved by an earlier attempt
      if (reasons?.[0] === "ConditionalCheckFailed") throw new RecordExists(newEmail);
      throw error;
    }
  }

  /**
   * The record's expiry after `change`: set when it records a deletion, lifted (null) when it moves
   * the record to another state, untouched (undefined) otherwise. The history is stamped (or
   * lifted) first and the record last, so a retried change finishes what a crash left halfway.
   */
  private async expiryOf(email: string, change: PersonChange): Promise<number | null | undefined> {
    const state = change.set.state;
    if (state === undefined) return undefined;
    if (state === "deleted") {
      const deletedAt = Date.parse(change.set.deleted_at ?? change.history.at);
      const expiresAt = Math.floor(deletedAt / 1000) + this.recordDays * DAY_SECONDS;
      await this.setHistoryExpiry(email, expiresAt);
      return expiresAt;
    }
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(email), ConsistentRead: true }),
    );
    if (Item?.[TTL] !== undefined) await this.setHistoryExpiry(email, null);
    return null;
  }

  /** Sets (or, with null, removes) the TTL of every history entry of the person. */
  private async setHistoryExpiry(email: string, expiresAt: number | null): Promise<void> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :hist)",
      ExpressionAttributeValues: { ":pk": personPk(email), ":hist": PERSON_KEYS.historyPrefix },
      ProjectionExpression: "pk, sk",
      ConsistentRead: true,
    });
    for await (const page of pages)
      await Promise.all(
        page.map((item) =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: expiresAt === null ? "REMOVE #ttl" : "SET #ttl = :ttl",
              ExpressionAttributeNames: { "#ttl": TTL },
              ...(expiresAt === null ? {} : { ExpressionAttributeValues: { ":ttl": expiresAt } }),
            }),
          ),
        ),
      );
  }

  private historyPut(email: string, change: PersonChange, expiresAt?: number | null) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: personPk(email),
          sk: PERSON_KEYS.history(change.historyId),
          ...change.history,
          ...(typeof expiresAt === "number" ? { [TTL]: expiresAt } : {}),
        },
        ConditionExpression: CONDITIONS.itemAbsent,
      },
    };
  }

  async scimUserOf(email: string): Promise<ScimUser | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: personPk(email), sk: SCIM_USER_KEYS.sortKey },
        ConsistentRead: true,
      }),
    );
    return this.live(result.Item) ? toScimUser(result.Item) : undefined;
  }

  async findScimUser(by: ScimUserLookup): Promise<ScimUser | undefined> {
    const [index, partition, sort] =
      "id" in by
        ? [LIST_INDEX, SCIM_USER_KEYS.listPartition, by.id]
        : "userName" in by
          ? [USER_ID_INDEX, SCIM_USER_KEYS.userName(by.userName), SCIM_USER_KEYS.sortKey]
          : [HELD_INDEX, SCIM_USER_KEYS.externalId(by.externalId), SCIM_USER_KEYS.sortKey];
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: "#pk = :pk AND #sk = :sk",
        ExpressionAttributeNames: { "#pk": index.partitionKey, "#sk": index.sortKey },
        ExpressionAttributeValues: { ":pk": partition, ":sk": sort },
      }),
    );
    const item = (result.Items ?? []).find(liveAt(this.now()));
    // The index is read eventually consistently: confirm with the item itself.
    const user = item && (await this.scimUserOf(String(item.email)));
    return user && user.deleted_at === undefined ? user : undefined;
  }

  /**
   * Reads the list partition once, in pages: the total SCIM asks for and the slice from
   * `startIndex`. Directories of a few thousand people stay a handful of reads.
   */
  async listScimUsers(startIndex: number, count: number): Promise<ScimUserPage> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: LIST_INDEX.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": LIST_INDEX.partitionKey },
      ExpressionAttributeValues: { ":pk": SCIM_USER_KEYS.listPartition },
    });
    let total = 0;
    const users: ScimUser[] = [];
    for await (const items of pages)
      for (const item of items.filter(liveAt(this.now()))) {
        total += 1;
        if (total >= startIndex && users.length < count) users.push(toScimUser(item));
      }
    return { total, users };
  }

  async saveScimUser(user: ScimUser, expected: string | null, change?: PersonChange): Promise<void> {
    const email = normaliseEmail(user.email);
    const put = {
      TableName: this.tableName,
      Item: scimItem(user),
      ...(expected === null
        ? { ConditionExpression: CONDITIONS.itemAbsent }
        : {
            ConditionExpression: "updated_at = :expected",
            ExpressionAttributeValues: { ":expected": expected },
          }),
    };
    if (!change) {
      try {
        await this.doc.send(new PutCommand(put));
        return;
      } catch (error) {
        if (isConditionFailed(error)) throw new ScimUserChanged(email);
        throw error;
      }
    }
    const expiresAt = await this.expiryOf(email, change);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Update: {
                TableName: this.tableName,
                Key: recordKey(email),
                ...recordUpdate(email, change, expiresAt),
              },
            },
            this.historyPut(email, change, expiresAt),
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0] === "ConditionalCheckFailed") throw new ScimUserChanged(email);
      // The history entry exists: this exact change was applied by an earlier attempt.
      if (reasons?.[2] === "ConditionalCheckFailed") return;
      throw error;
    }
  }

  async getMany(emails: readonly string[]): Promise<Map<string, Person>> {
    // Single reads in parallel: a page is at most 100, and no role is granted BatchGetItem.
    const people = await Promise.all(
      [...new Set(emails.map(normaliseEmail))].map((email) => this.get(email)),
    );
    return new Map(people.flatMap((person) => (person ? [[person.email, person] as const] : [])));
  }

  async noteOnboardJob(email: string, jobId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: recordKey(email),
        UpdateExpression: "SET open_onboard_job_id = :job",
        ExpressionAttributeValues: { ":job": jobId },
      }),
    );
  }

  async openOnboardJob(email: string): Promise<string | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: recordKey(email),
        ProjectionExpression: "open_onboard_job_id",
        ConsistentRead: true,
      }),
    );
    return result.Item?.open_onboard_job_id as string | undefined;
  }

  async acquireLease(email: string, jobId: string, nowMs: number, ttlMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKey(email),
          UpdateExpression: "SET lease_holder = :job, lease_expires = :expires",
          ConditionExpression:
            "attribute_not_exists(lease_holder) OR lease_holder = :job OR lease_expires < :now",
          ExpressionAttributeValues: { ":job": jobId, ":expires": nowMs + ttlMs, ":now": nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async releaseLease(email: string, jobId: string): Promise<void> {
    // Only this job's lease: someone else's lease now stays.
    await this.removeWhileHeld(email, ["lease_holder", "lease_expires"], "lease_holder", jobId);
  }

  /** Removes `attributes` from the record if `holder` still names `jobId`; else leaves the record as it is. */
  private async removeWhileHeld(
    email: string,
    attributes: readonly string[],
    holder: string,
    jobId: string,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKey(email),
          UpdateExpression: `REMOVE ${attributes.join(", ")}`,
          ConditionExpression: `${holder} = :job`,
          ExpressionAttributeValues: { ":job": jobId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
