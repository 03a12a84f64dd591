/** Paging of in-memory lists like the DynamoDB adapters': an opaque cursor, refused when not ours. */
import { InvalidInput } from "../../../shared/errors/domain-errors";
import type { Page, PageRequest } from "../../../shared/lifecycle/ports";

export function pageOf<T>(sorted: T[], page: PageRequest, list: string): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    const [name, offset] = Buffer.from(page.cursor, "base64url").toString("utf8").split(":");
    start = Number(offset);
    if (name !== list || !Number.isInteger(start) || start < 0)
      throw new InvalidInput(
        "invalid_cursor",
        "The cursor is not one this list gave; start again without it.",
      );
  }
  const end = start + page.limit;
  const items = sorted.slice(start, end);
  return end < sorted.length
    ? { items, nextCursor: Buffer.from(`${list}:${end}`, "utf8").toString("base64url") }
    : { items };
}
