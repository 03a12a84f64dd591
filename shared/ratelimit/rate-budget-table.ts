/**
 * The DynamoDB side of the shared Dialpad budget: the `RATE#<name>` items of the single table.
 *   sk = "STATE"        the throttle state (pause, lowered factor, urgent-active mark); no TTL
 *   sk = "W#<index>"    one 250 ms window: `n` grants in all, `nb` of them bulk, `urgent` when urgent
 *                       work took a slot in it, `paused_until` when a 429 blocked it; TTL `expires_at`
 * Taking slots is one conditional `UpdateItem … ADD`: atomic, never read-then-write, and the
 * condition carries the whole decision, so any number of processes can race on one window.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { TABLE_KEYS } from "../store/table-definition";
import type { Lane } from "./shared-rate-budget";
import { stateFromItem, type ThrottleState } from "./throttle-state";
import { windowStartMs } from "./window-schedule";

/** Window items only matter for a second; a minute keeps them around for debugging, then TTL sweeps them. */
const WINDOW_TTL_SECONDS = 60;

export interface SlotRequest {
  windowIndex: number;
  nowMs: number;
  lane: Lane;
  /** How many slots to take at once (one per caller queued in this process). */
  count: number;
  /** The window's allowance as this process computes it (budget × factor). */
  allowance: number;
  /** Bulk only: the most bulk grants the window may hold while urgent work is active. */
  bulkCap?: number;
  /** Bulk only: this process already knows urgent work is active, so `bulkCap` applies outright. */
  urgentKnownActive?: boolean;
}

/** What the window held: after our grant, or (refused) before our attempt. */
interface WindowCounts {
  /** Grants in all. */
  count: number;
  /** Bulk grants. */
  bulkCount: number;
}

export type SlotOutcome =
  | ({ granted: true } & WindowCounts)
  | ({ granted: false; reason: "full"; urgentClaimed: boolean } & WindowCounts)
  | { granted: false; reason: "paused"; pausedUntil: number };

export class RateBudgetTable {
  private readonly pk: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    limiterName: string,
  ) {
    this.pk = `RATE#${limiterName}`;
  }

  private key(sk: string) {
    return { [TABLE_KEYS.partitionKey]: this.pk, [TABLE_KEYS.sortKey]: sk };
  }

  private windowKey(windowIndex: number) {
    return this.key(`W#${windowIndex}`);
  }

  private windowExpiry(windowIndex: number): number {
    return Math.floor(windowStartMs(windowIndex) / 1000) + WINDOW_TTL_SECONDS;
  }

  /** Strongly consistent: a pause written by another process must be seen by the next refresh. */
  async readState(): Promise<ThrottleState> {
    const read = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key("STATE"), ConsistentRead: true }),
    );
    return stateFromItem(read.Item);
  }

  /**
   * Writes a throttle state if nobody else wrote one since `expectedVersion` (optimistic lock; a
   * 429 is rare, so a conflict costs one re-read). Returns false on conflict.
   */
  async writeThrottle(next: ThrottleState, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key("STATE"),
          UpdateExpression:
            "SET paused_until = :paused, factor_at_throttle = :factor, recover_from = :recover, throttled_at = :at, version = :next",
          // An urgent mark may have created the item without a version: that counts as version 0.
          ConditionExpression:
            expectedVersion === 0 ? "attribute_not_exists(version)" : "version = :expected",
          ExpressionAttributeValues: {
            ":paused": next.pausedUntil,
            ":factor": next.factorAtThrottle,
            ":recover": next.recoverFrom,
            ":at": next.throttledAt,
            ":next": next.version,
            ...(expectedVersion === 0 ? {} : { ":expected": expectedVersion }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Extends `urgent_until` on STATE (never shortens it: another process may have marked later). */
  async markUrgentActive(urgentUntil: number): Promise<void> {
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key("STATE"),
        UpdateExpression: "SET urgent_until = :until",
        ConditionExpression: "attribute_not_exists(urgent_until) OR urgent_until < :until",
        ExpressionAttributeValues: { ":until": urgentUntil },
      }),
    );
  }

  /**
   * Blocks a window until `pausedUntil`: processes whose cached STATE predates a 429 still find the
   * pause on the very item they write to.
   */
  async pauseWindow(windowIndex: number, pausedUntil: number): Promise<void> {
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.windowKey(windowIndex),
        UpdateExpression:
          "ADD n :zero, nb :zero SET paused_until = :until, expires_at = if_not_exists(expires_at, :exp)",
        ConditionExpression: "attribute_not_exists(paused_until) OR paused_until < :until",
        ExpressionAttributeValues: {
          ":zero": 0,
          ":until": pausedUntil,
          ":exp": this.windowExpiry(windowIndex),
        },
      }),
    );
  }

  /** One conditional write: takes `count` slots of the window, all or none, or says why not. */
  async takeSlots(request: SlotRequest): Promise<SlotOutcome> {
    const conditions = [
      "(attribute_not_exists(n) OR n <= :lastStart)",
      "(attribute_not_exists(paused_until) OR paused_until <= :now)",
    ];
    const values: Record<string, unknown> = {
      ":count": request.count,
      ":lastStart": request.allowance - request.count,
      ":now": request.nowMs,
      ":exp": this.windowExpiry(request.windowIndex),
    };
    let update: string;
    if (request.lane === "urgent") {
      // Marking the window tells bulk processes with a stale cache to leave the reserve in it.
      update = "ADD n :count, nb :zero SET urgent = :yes, expires_at = if_not_exists(expires_at, :exp)";
      values[":zero"] = 0;
      values[":yes"] = true;
    } else {
      update = "ADD n :count, nb :count SET expires_at = if_not_exists(expires_at, :exp)";
      if (request.bulkCap !== undefined && request.bulkCap < request.allowance) {
        values[":bulkLastStart"] = request.bulkCap - request.count;
        // Whenever `urgent` is set, `nb` exists (every writer of `urgent` also ADDs to nb).
        conditions.push(
          request.urgentKnownActive
            ? "(attribute_not_exists(nb) OR nb <= :bulkLastStart)"
            : "(attribute_not_exists(urgent) OR nb <= :bulkLastStart)",
        );
      }
    }
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.windowKey(request.windowIndex),
          UpdateExpression: update,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeValues: values,
          ReturnValues: "UPDATED_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return {
        granted: true,
        count: Number(result.Attributes?.n ?? 0),
        bulkCount: Number(result.Attributes?.nb ?? 0),
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The old item comes back raw (AttributeValue shapes): the document client does not convert errors.
      const old = error.Item;
      const pausedUntil = Number(old?.paused_until?.N ?? 0);
      if (pausedUntil > request.nowMs) return { granted: false, reason: "paused", pausedUntil };
      return {
        granted: false,
        reason: "full",
        urgentClaimed: old?.urgent?.BOOL === true,
        count: Number(old?.n?.N ?? 0),
        bulkCount: Number(old?.nb?.N ?? 0),
      };
    }
  }

  private async ignoringConditionFailure(command: UpdateCommand): Promise<void> {
    try {
      await this.doc.send(command);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
