/**
 * The DynamoDB side of the shared Dialpad budget: one item, `RATE#<name>` / `STATE`, holding the
 * slot planner's state (next free slot, pause, lowered rate and the rate that drew the last 429, revision). Every change is one
 * conditional write on the revision it was planned from; a refused write answers the stored state
 * (ReturnValuesOnConditionCheckFailure), so the caller re-plans without another read.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { CONDITIONS, isConditionFailed } from "../store/conditional";
import { OTHER_KEYS } from "../store/item-keys";
import type { BudgetStore, ReplaceOutcome } from "./shared-rate-budget";
import { type BudgetState, INITIAL_BUDGET_STATE } from "./slot-planner";

const stateItem = z.looseObject({
  next_slot_at: z.number().optional(),
  paused_until: z.number().optional(),
  factor_at_throttle: z.number().optional(),
  recover_from: z.number().optional(),
  throttled_at: z.number().optional(),
  ceiling_factor: z.number().optional(),
  revision: z.number().optional(),
});

/** Reads the item; absent (or written by the earlier window design) means "nothing reserved yet". */
export function stateFromItem(item: Record<string, unknown> | undefined): BudgetState {
  if (!item) return INITIAL_BUDGET_STATE;
  const parsed = stateItem.parse(item);
  return {
    nextSlotAt: parsed.next_slot_at ?? 0,
    pausedUntil: parsed.paused_until ?? 0,
    factorAtThrottle: parsed.factor_at_throttle ?? 1,
    recoverFrom: parsed.recover_from ?? 0,
    throttledAt: parsed.throttled_at ?? 0,
    ceilingFactor: parsed.ceiling_factor ?? 1,
    revision: parsed.revision ?? 0,
  };
}

export class DynamoBudgetStore implements BudgetStore {
  private readonly key: Record<string, string>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    limiterName = "dialpad",
  ) {
    this.key = OTHER_KEYS.rateBudget(limiterName);
  }

  /** Strongly consistent: the first plan of a process starts from the latest state. */
  async read(): Promise<BudgetState> {
    const read = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }),
    );
    return stateFromItem(read.Item);
  }

  async replace(expected: BudgetState, next: BudgetState): Promise<ReplaceOutcome> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key,
            next_slot_at: next.nextSlotAt,
            paused_until: next.pausedUntil,
            factor_at_throttle: next.factorAtThrottle,
            recover_from: next.recoverFrom,
            throttled_at: next.throttledAt,
            ceiling_factor: next.ceilingFactor,
            revision: next.revision,
          },
          // Revision 0 is the item as never written by this design (absent, or left by the old one).
          ConditionExpression: CONDITIONS.versionIs("revision", expected.revision, ":expected"),
          ...(expected.revision === 0
            ? {}
            : { ExpressionAttributeValues: { ":expected": expected.revision } }),
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { written: true };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return { written: false, current: stateFromItem(error.Item ? numbersOf(error.Item) : undefined) };
    }
  }
}

/** The stored item comes back raw (AttributeValue shapes): the document client does not convert errors. */
function numbersOf(raw: Record<string, { N?: string }>): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const [name, value] of Object.entries(raw)) if (value.N !== undefined) numbers[name] = Number(value.N);
  return numbers;
}
