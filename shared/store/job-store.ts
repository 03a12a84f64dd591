/**
 * DynamoDB adapter of the JobStore port: a job item per job and a request-key item per idempotency
 * key, written together in one transaction so a request can never yield two jobs.
 */

import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { IdempotencyConflict, RequestAlreadyHandled, RunSuperseded } from "../errors/domain-errors";
import { NO_AUTHORITY } from "../lifecycle/authority";
import type { ProgressParser } from "../lifecycle/job-kind";
import type { Job } from "../lifecycle/model";
import type {
  JobFilter,
  JobOutcome,
  JobStore,
  Page,
  PageRequest,
  RequestKey,
  RunClaim,
  StartRun,
  StepsUpdate,
} from "../lifecycle/ports";
import { MAX_RETENTION_DAYS } from "../lifecycle/requests";
import { CONDITIONS, cancellationReasons, isConditionFailed } from "./conditional";
import { JOB_KEYS } from "./item-keys";
import { queryPage } from "./list-page";
import { queryPages } from "./query-pages";
import { TABLE_KEYS } from "./table-definition";

const DAY_SECONDS = 24 * 3600;
/**
 * A header or ticket request key outlives the longest retention (plus a margin): a ticket replayed
 * while its person may still be suspended, or long after, answers its old job instead of acting
 * again. A body-hash key names its own, shorter lifetime (request-key.ts).
 */
export const REQUEST_KEY_TTL_SECONDS = (MAX_RETENTION_DAYS + 30) * DAY_SECONDS;
/** Default audit period: how long a finished job (and the personal data in it) is kept. */
export const DEFAULT_JOB_AUDIT_DAYS = 400;
const jobKey = JOB_KEYS.item;
const { retentionIndex } = TABLE_KEYS;
const UNSENT_PARTITION = JOB_KEYS.unsentPartition;
/** A job is unsent from its creation, or from its release when it was held (a held job is never sent). */
const unsentIndexKeys = (job: Pick<Job, "job_id">, since: string) => ({
  [retentionIndex.partitionKey]: UNSENT_PARTITION,
  [retentionIndex.sortKey]: `${since}#${job.job_id}`,
});
const requestItemKey = JOB_KEYS.request;
const { userIdIndex: EMAIL_INDEX, listIndex: LIST_INDEX, lookupIndex: TICKET_INDEX } = TABLE_KEYS;
const JOBS_PARTITION = JOB_KEYS.listPartition;
const jobsOfEmail = JOB_KEYS.ofEmail;
const jobsOfTicket = JOB_KEYS.ofTicket;
/** The list keys of a job: every job (gsi3), its person's jobs (gsi2), its ticket's jobs (gsi4). */
const listIndexKeys = (job: Job) => {
  const order = `${job.created_at}#${job.job_id}`;
  return {
    [LIST_INDEX.partitionKey]: JOBS_PARTITION,
    [LIST_INDEX.sortKey]: order,
    ...(job.email
      ? { [EMAIL_INDEX.partitionKey]: jobsOfEmail(job.email), [EMAIL_INDEX.sortKey]: order }
      : {}),
    ...(job.ticket
      ? { [TICKET_INDEX.partitionKey]: jobsOfTicket(job.ticket), [TICKET_INDEX.sortKey]: order }
      : {}),
  };
};
const STORAGE_FIELDS = new Set<string>([
  "pk",
  "sk",
  "expires_at",
  // The run token is the store's own fencing, not part of the job.
  "run_id",
  "run_expires",
  ...[retentionIndex, EMAIL_INDEX, LIST_INDEX, TICKET_INDEX].flatMap((index) => [
    index.partitionKey,
    index.sortKey,
  ]),
]);

/** A stored job item as the domain sees it: storage keys dropped, progress parsed by its kind's schema. */
function toJob(item: Record<string, unknown> | undefined, kinds: ProgressParser): Job | undefined {
  if (!item) return undefined;
  const job = Object.fromEntries(Object.entries(item).filter(([field]) => !STORAGE_FIELDS.has(field)));
  const stored = job as unknown as Job;
  // Jobs accepted before authority was recorded carry none.
  return {
    ...stored,
    authority: stored.authority ?? NO_AUTHORITY,
    progress: kinds.parseProgress(stored.kind, stored.progress),
  } as Job;
}

/**
 * The SET clauses that store step records (StepsUpdate): the steps as they stand, each output into
 * `progress`, and a learnt `user_id` as the job's own too (the API shows it). Adds their names and values.
 */
function stepsClauses(
  { steps, produced = {} }: StepsUpdate,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string[] {
  values[":steps"] = steps;
  const sets = ["steps = :steps"];
  const fields = Object.entries(produced).filter(([, value]) => value !== undefined);
  const userId = fields.find(([field]) => field === "user_id")?.[1];
  if (typeof userId === "string") {
    values[":user_id"] = userId;
    sets.push("user_id = :user_id");
  }
  fields.forEach(([field, value], i) => {
    names[`#p${i}`] = field;
    values[`:p${i}`] = value;
    sets.push(`progress.#p${i} = :p${i}`);
  });
  return sets;
}

export class DynamoJobStore implements JobStore {
  /**
   * @param kinds the job kinds (job-kinds.ts), whose schemas check each loaded job's progress
   * @param auditDays how long a finished job is kept (TTL), DEFAULT_JOB_AUDIT_DAYS unless configured
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kinds: ProgressParser,
    private readonly auditDays: number = DEFAULT_JOB_AUDIT_DAYS,
  ) {}

  /** The TTL of a job that ends at `at`. */
  private expiresAt(at: string): number {
    return Math.floor(Date.parse(at) / 1000) + this.auditDays * DAY_SECONDS;
  }

  async create(job: Job, key: RequestKey): Promise<{ job: Job; created: boolean }> {
    const createdAt = Math.floor(Date.parse(job.created_at) / 1000);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...requestItemKey(key.key),
                  job_id: job.job_id,
                  body_hash: key.bodyHash,
                  expires_at: createdAt + (key.ttlSeconds ?? REQUEST_KEY_TTL_SECONDS),
                },
                // DynamoDB's TTL removes expired items only eventually: an expired key counts as absent.
                ConditionExpression: CONDITIONS.either(
                  CONDITIONS.itemAbsent,
                  CONDITIONS.expiredAt(":created"),
                ),
                ExpressionAttributeValues: { ":created": createdAt },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                // Listed as unsent (sparse gsi1) until its message is on the queue: see listUnsent.
                Item: {
                  ...jobKey(job.job_id),
                  ...job,
                  ...(job.status === "held" ? {} : unsentIndexKeys(job, job.created_at)),
                  ...listIndexKeys(job),
                },
                ConditionExpression: CONDITIONS.itemAbsent,
              },
            },
          ],
        }),
      );
      return { job, created: true };
    } catch (error) {
      if (cancellationReasons(error)?.[0] !== "ConditionalCheckFailed") throw error;
    }
    // The key exists: answer its job, or refuse a different body under the same key.
    const existing = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: requestItemKey(key.key), ConsistentRead: true }),
    );
    const existingJobId = existing.Item?.job_id as string | undefined;
    if (!existingJobId) throw new Error("request key vanished between write and read");
    if (existing.Item?.body_hash !== key.bodyHash) throw new IdempotencyConflict(existingJobId);
    const existingJob = await this.get(existingJobId);
    if (!existingJob) throw new RequestAlreadyHandled(existingJobId);
    return { job: existingJob, created: false };
  }

  async *listUnsent(createdBefore: string): AsyncIterable<Job[]> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: retentionIndex.name,
      KeyConditionExpression: `${retentionIndex.partitionKey} = :unsent AND ${retentionIndex.sortKey} < :before`,
      ExpressionAttributeValues: { ":unsent": UNSENT_PARTITION, ":before": createdBefore },
    });
    for await (const items of pages) yield items.map((item) => toJob(item, this.kinds) as Job);
  }

  async get(jobId: string): Promise<Job | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(jobId), ConsistentRead: true }),
    );
    return toJob(result.Item, this.kinds);
  }

  async markEnqueued(jobId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(jobId),
        UpdateExpression: `SET enqueued_at = if_not_exists(enqueued_at, :at) REMOVE ${retentionIndex.partitionKey}, ${retentionIndex.sortKey}`,
        ConditionExpression: CONDITIONS.itemExists,
        ExpressionAttributeValues: { ":at": at },
      }),
    );
  }

  async startRun(jobId: string, run: RunClaim): Promise<StartRun> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: "SET #status = :running, updated_at = :at, run_id = :run, run_expires = :expires",
          // `run_id = :run`: the SDK's retry of a claim that was applied but whose answer was lost
          // finds its own claim, and must not take it for another run's.
          ConditionExpression:
            "#status IN (:queued, :running) AND (attribute_not_exists(run_id) OR run_expires < :now OR run_id = :run)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":running": "running",
            ":queued": "queued",
            ":at": run.at,
            ":run": run.runId,
            ":expires": run.nowMs + run.ttlMs,
            ":now": run.nowMs,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return { outcome: "started", job: toJob(result.Attributes, this.kinds) as Job };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const status = (await this.get(jobId))?.status;
      return status === "queued" || status === "running" ? { outcome: "busy" } : { outcome: "ended" };
    }
  }

  async endRun(jobId: string, runId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: "REMOVE run_id, run_expires",
          ConditionExpression: "run_id = :run",
          ExpressionAttributeValues: { ":run": runId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // not ours any more: leave it
    }
  }

  async recordSteps(jobId: string, runId: string, update: StepsUpdate): Promise<void> {
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = { ":at": update.at, ":running": "running", ":run": runId };
    const sets = ["updated_at = :at", ...stepsClauses(update, names, values)];
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "#status = :running AND run_id = :run",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new RunSuperseded(jobId);
      throw error;
    }
  }

  async setIdentity(jobId: string, identity: { email?: string; user_id?: string }): Promise<void> {
    const entries = Object.entries(identity).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    // A job learns its person's email (an offboard by user id): list it under that person too.
    const emailIndex = identity.email
      ? `, ${EMAIL_INDEX.partitionKey} = :emailPk, ${EMAIL_INDEX.sortKey} = ${LIST_INDEX.sortKey}`
      : "";
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(jobId),
        UpdateExpression: `SET ${entries.map(([field]) => `${field} = :${field}`).join(", ")}${emailIndex}`,
        ConditionExpression: CONDITIONS.itemExists,
        ExpressionAttributeValues: {
          ...Object.fromEntries(entries.map(([field, value]) => [`:${field}`, value])),
          ...(identity.email ? { ":emailPk": jobsOfEmail(identity.email) } : {}),
        },
      }),
    );
  }

  async list(filter: JobFilter, page: PageRequest): Promise<Page<Job>> {
    // The narrowest index that answers the filter; the other criteria filter what it reads.
    const [index, partition] = filter.ticket
      ? [TICKET_INDEX, jobsOfTicket(filter.ticket)]
      : filter.email
        ? [EMAIL_INDEX, jobsOfEmail(filter.email)]
        : [LIST_INDEX, JOBS_PARTITION];
    const names: Record<string, string> = { "#pk": index.partitionKey };
    const values: Record<string, unknown> = { ":pk": partition };
    const conditions: string[] = [];
    for (const field of ["status", "kind", "email"] as const) {
      if (filter[field] === undefined || (field === "email" && index === EMAIL_INDEX)) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = filter[field];
      conditions.push(`#${field} = :${field}`);
    }
    if (filter.since) {
      names["#sk"] = index.sortKey;
      values[":since"] = filter.since;
    }
    const { items, nextCursor } = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: filter.since ? "#pk = :pk AND #sk >= :since" : "#pk = :pk",
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(" AND ") } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
      },
      page,
      ["pk", "sk", index.partitionKey, index.sortKey],
    );
    return {
      items: items.map((item) => toJob(item, this.kinds) as Job),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async finish(
    jobId: string,
    at: string,
    outcome: JobOutcome,
    runId?: string,
    steps?: StepsUpdate,
  ): Promise<Job> {
    const detail =
      outcome.status === "failed"
        ? { name: "error", value: outcome.error }
        : outcome.status === "cancelled"
          ? { name: "cancel_reason", value: outcome.reason }
          : undefined;
    const names: Record<string, string> = {
      "#status": "status",
      ...(detail ? { "#error": detail.name } : {}),
    };
    const values: Record<string, unknown> = {
      ":status": outcome.status,
      ":at": at,
      ":expires": this.expiresAt(at),
      ":queued": "queued",
      ":running": "running",
      ...(runId ? { ":run": runId } : {}),
      ...(detail ? { ":detail": detail.value } : {}),
    };
    const sets = [
      "#status = :status",
      "updated_at = :at",
      "expires_at = :expires",
      ...(detail ? ["#error = :detail"] : []),
      ...(steps ? stepsClauses(steps, names, values) : []),
    ];
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: `SET ${sets.join(", ")} REMOVE run_id, run_expires`,
          ConditionExpression: `#status IN (:queued, :running) AND ${runId ? "run_id = :run" : "attribute_not_exists(run_id)"}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // The ended job comes back with the write (no extra read units): its announcement needs it.
          ReturnValues: "ALL_NEW",
        }),
      );
      return toJob(result.Attributes, this.kinds) as Job;
    } catch (error) {
      if (runId && isConditionFailed(error)) throw new RunSuperseded(jobId);
      throw error;
    }
  }

  cancelIfQueued(jobId: string, at: string, reason: string): Promise<boolean> {
    return this.cancelWhile(["queued"], jobId, at, reason);
  }

  cancelBeforeRun(jobId: string, at: string, reason: string): Promise<boolean> {
    return this.cancelWhile(["held", "queued"], jobId, at, reason);
  }

  async releaseHeld(jobId: string, at: string, releasedBy: string): Promise<Job | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: `SET #status = :queued, updated_at = :at, released_by = :by, released_at = :at, ${retentionIndex.partitionKey} = :unsent, ${retentionIndex.sortKey} = :unsentSince`,
          ConditionExpression: "#status = :held",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":queued": "queued",
            ":held": "held",
            ":at": at,
            ":by": releasedBy,
            ":unsent": UNSENT_PARTITION,
            ":unsentSince": unsentIndexKeys({ job_id: jobId }, at)[retentionIndex.sortKey],
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return toJob(result.Attributes, this.kinds);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  private async cancelWhile(
    statuses: readonly Job["status"][],
    jobId: string,
    at: string,
    reason: string,
  ): Promise<boolean> {
    const allowed = Object.fromEntries(statuses.map((status, i) => [`:from${i}`, status]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression:
            "SET #status = :cancelled, updated_at = :at, cancel_reason = :reason, expires_at = :expires",
          ConditionExpression: `#status IN (${Object.keys(allowed).join(", ")})`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":cancelled": "cancelled",
            ...allowed,
            ":at": at,
            ":reason": reason,
            ":expires": this.expiresAt(at),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
