/**
 * One page of a filtered list from an index Query, with an opaque cursor. DynamoDB's `Limit`
 * counts the items it reads before the filter, so each read asks for at most what the page still
 * lacks: the page never overshoots and the last read's LastEvaluatedKey is exactly where the next
 * page starts. A filter that matches little may end a page short (after `maxReads` reads) with a
 * cursor to go on from.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { InvalidInput } from "../errors/domain-errors";
import type { PageRequest } from "../lifecycle/ports";

const MAX_READS_PER_PAGE = 10;

export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, "Limit" | "ExclusiveStartKey"> & { IndexName: string },
  page: PageRequest,
  keyFields: readonly string[],
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
  let startKey =
    page.cursor === undefined ? undefined : decodeCursor(page.cursor, input.IndexName, keyFields);
  const items: Record<string, unknown>[] = [];
  let reads = 0;
  do {
    const result = await doc.send(
      new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
    reads += 1;
  } while (items.length < page.limit && startKey && reads < MAX_READS_PER_PAGE);
  return startKey ? { items, nextCursor: encodeCursor(input.IndexName, startKey) } : { items };
}

function encodeCursor(index: string, key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ i: index, k: key }), "utf8").toString("base64url");
}

/** The start key of a cursor this list gave; anything else (edited, from another list) is a 400. */
function decodeCursor(cursor: string, index: string, keyFields: readonly string[]): Record<string, string> {
  const refuse = () =>
    new InvalidInput("invalid_cursor", "The cursor is not one this list gave; start again without it.");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const { i, k } = (decoded ?? {}) as { i?: unknown; k?: unknown };
  if (i !== index || typeof k !== "object" || k === null) throw refuse();
  const entries = Object.entries(k);
  const wellFormed =
    entries.length === keyFields.length &&
    entries.every(
      ([field, value]) => keyFields.includes(field) && typeof value === "string" && value.length <= 2048,
    );
  if (!wellFormed) throw refuse();
  return Object.fromEntries(entries) as Record<string, string>;
}
