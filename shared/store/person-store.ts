/**
 * DynamoDB adapter of the PersonStore port: one record item per person (state, retention, lease)
 * and one item per history entry under the same partition, so a person and its history are read
 * with one Query. The record carries the sparse GSI keys: the retention due list (gsi1, only while
 * suspended with a delete_after) and the Dialpad user id (gsi2).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { HistoryEntry, Person } from "../lifecycle/model";
import type { PersonChange, PersonStore } from "../lifecycle/ports";
import { cancellationReasons, isConditionFailed } from "./conditional";
import { queryPages } from "./query-pages";
import { TABLE_KEYS } from "./table-definition";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
const personPk = (email: string) => `PERSON#${normaliseEmail(email)}`;
const recordKey = (email: string) => ({ pk: personPk(email), sk: "PERSON" });
export const RETENTION_PARTITION = "RETENTION";

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
  "updated_at",
] as const satisfies readonly (keyof Person)[];

function toPerson(item: Record<string, unknown>): Person | undefined {
  if (typeof item.state !== "string") return undefined; // a lease-only item: nothing recorded yet
  const person: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) person[field] = item[field];
  return person as unknown as Person;
}

function toHistory(item: Record<string, unknown>): HistoryEntry {
  const { pk: _pk, sk: _sk, ...entry } = item;
  return entry as unknown as HistoryEntry;
}

export class DynamoPersonStore implements PersonStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(email: string): Promise<Person | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(email), ConsistentRead: true }),
    );
    return result.Item ? toPerson(result.Item) : undefined;
  }

  async getWithHistory(email: string) {
    const items: Record<string, unknown>[] = [];
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": personPk(email) },
      ConsistentRead: true,
    });
    for await (const page of pages) items.push(...page);
    const record = items.find((item) => item.sk === "PERSON");
    const person = record && toPerson(record);
    if (!person) return undefined;
    const history = items
      .filter((item) => String(item.sk).startsWith("HIST#"))
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
        ExpressionAttributeValues: { ":id": `USER#${userId}` },
      }),
    );
    const item = result.Items?.[0];
    return item ? toPerson(item) : undefined;
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
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":for": deleteAfter, ":job": jobId },
      }),
    );
  }

  async forgetDeleteJob(email: string, jobId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKey(email),
          UpdateExpression: "REMOVE delete_job_for, delete_job_id",
          ConditionExpression: "delete_job_id = :job",
          ExpressionAttributeValues: { ":job": jobId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // a newer job's note: leave it
    }
  }

  async apply(email: string, change: PersonChange): Promise<void> {
    const set: Record<string, unknown> = { ...change.set, email: normaliseEmail(email) };
    const remove = new Set<string>(change.remove ?? []);
    for (const field of remove) delete set[field];
    // Keep the sparse index keys in step with the record: due list only while suspended.
    const { retentionIndex, userIdIndex } = TABLE_KEYS;
    if (set.user_id) {
      set[userIdIndex.partitionKey] = `USER#${set.user_id}`;
      set[userIdIndex.sortKey] = "PERSON";
    }
    if (set.state === "suspended" && set.delete_after) {
      set[retentionIndex.partitionKey] = RETENTION_PARTITION;
      set[retentionIndex.sortKey] = `${set.delete_after}#${normaliseEmail(email)}`;
    } else if (set.state !== undefined || remove.has("delete_after")) {
      remove.add(retentionIndex.partitionKey).add(retentionIndex.sortKey);
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
    const expression = `SET ${setClauses.join(", ")}${removeClauses.length ? ` REMOVE ${removeClauses.join(", ")}` : ""}`;

    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: recordKey(email),
                UpdateExpression: expression,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: personPk(email), sk: `HIST#${change.historyId}`, ...change.history },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      // The history entry exists: this exact change was applied by an earlier attempt.
      if (cancellationReasons(error)?.[1] === "ConditionalCheckFailed") return;
      throw error;
    }
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
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKey(email),
          UpdateExpression: "REMOVE lease_holder, lease_expires",
          ConditionExpression: "lease_holder = :job",
          ExpressionAttributeValues: { ":job": jobId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // someone else's lease now: leave it
    }
  }
}
