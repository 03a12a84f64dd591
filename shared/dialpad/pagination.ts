/**
 * Dialpad's cursor pagination as an async iterator: pages are `{items?, cursor?}`, the walk ends
 * when the cursor is absent or empty, and the last page may carry no `items` key at all.
 */
import { DialpadError } from "./errors";

export interface CursorPage<T> {
  items?: T[];
  cursor?: string | null;
}

/**
 * Yields every item of every page, fetching a page only when the consumer wants more. A server
 * that hands back a cursor it already gave us would loop forever; that is reported as a transient
 * protocol error instead.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  describe: { method: string; route: string },
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items ?? [];
    const next = page.cursor ?? "";
    if (next === "") return;
    if (seen.has(next)) {
      throw new DialpadError(
        "transient",
        `Dialpad ${describe.method} ${describe.route} returned a cursor it had already returned`,
        { method: describe.method, route: describe.route },
      );
    }
    seen.add(next);
    cursor = next;
  }
}
