/**
 * Dialpad-style cursor pages over id-ordered listings. A full page carries a cursor (the server
 * does not look ahead), so a listing whose size is a multiple of the page size ends with an empty
 * page: `{}`, no `items` key, no cursor. A short page is the last one and has no cursor.
 * Cursors are keyset-based (the last id seen), so deletions between pages skip nobody.
 */
import { compareIds } from "./id-sequence";
import { badRequest } from "./sandbox-error";

export interface Page<T> {
  items?: T[];
  cursor?: string;
}

export function paginate<T extends { id: string }>(
  listing: string,
  sortedItems: T[],
  cursor: string | undefined,
  pageSize: number,
): Page<T> {
  const after = cursor === undefined || cursor === "" ? undefined : decodeCursor(listing, cursor);
  const rest =
    after === undefined ? sortedItems : sortedItems.filter((item) => compareIds(item.id, after) > 0);
  const items = rest.slice(0, pageSize);
  const last = items.at(-1);
  return {
    ...(items.length > 0 ? { items } : {}),
    ...(items.length === pageSize && last ? { cursor: encodeCursor(listing, last.id) } : {}),
  };
}

function encodeCursor(listing: string, lastId: string): string {
  return Buffer.from(`${listing}:${lastId}`).toString("base64url");
}

function decodeCursor(listing: string, cursor: string): string {
  const [kind, lastId] = Buffer.from(cursor, "base64url").toString().split(":");
  if (kind !== listing || !lastId || !/^\d+$/.test(lastId)) throw badRequest("Invalid cursor");
  return lastId;
}
