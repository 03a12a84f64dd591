/**
 * A deadline for every Dialpad call made inside `withCallDeadline(atMs, work)`, however deep: the
 * worker sets it from its Lambda's remaining time, and the client (client.ts) shortens each
 * attempt's timeout to it and starts no attempt, retry or back-off past it. Carried by
 * AsyncLocalStorage so concurrent records of one batch each keep their own, and so wrappers of
 * DialpadApi (metrics, tests) need not know about it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const deadlines = new AsyncLocalStorage<number>();

export const withCallDeadline = <T>(atMs: number, work: () => Promise<T>): Promise<T> =>
  deadlines.run(atMs, work);

/** The epoch-ms deadline of the calls made now, if any. */
export const callDeadline = (): number | undefined => deadlines.getStore();
