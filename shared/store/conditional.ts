/** Recognises DynamoDB's "condition not met" outcomes, for single writes and transactions. */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TABLE_KEYS } from "./table-definition";

export const isConditionFailed = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === "ConditionalCheckFailedException");

/** For a cancelled transaction: the reason code of each item, in request order. */
export function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (
    !(error instanceof TransactionCanceledException) &&
    !(error instanceof Error && error.name === "TransactionCanceledException")
  )
    return undefined;
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code);
}

/**
 * Named condition parts the adapters join (as Powertools' idempotency layer does), so each rule of
 * the table is written once. `:value` placeholders are the caller's to bind.
 */
export const CONDITIONS = {
  /** No item at the key yet: a create never overwrites. */
  itemAbsent: "attribute_not_exists(pk)",
  /** The item is there: an update never creates one. */
  itemExists: "attribute_exists(pk)",
  /** The item's TTL has passed at `value` (epoch seconds): TTL removes items only eventually. */
  expiredAt: (value: string) => `${TABLE_KEYS.timeToLive} <= ${value}`,
  /** A versioned item is still at the version read (`value`); version 0: not written yet. */
  versionIs: (attribute: string, version: number, value: string) =>
    version === 0 ? `attribute_not_exists(${attribute})` : `${attribute} = ${value}`,
  either: (...parts: string[]) => parts.join(" OR "),
  all: (...parts: string[]) => parts.join(" AND "),
} as const;
