/**
 * Deterministic int64 ids, kept as decimal strings. They start above 2^53 on purpose, so a client
 * that turns an id into a JS number corrupts it and the tests notice.
 */
export const FIRST_ID = 5137304475768569000n;

export class IdSequence {
  private next: bigint;

  constructor(first: bigint = FIRST_ID) {
    this.next = first;
  }

  take(): string {
    const id = this.next;
    this.next += 1n;
    return id.toString();
  }
}

/** Orders decimal id strings numerically (they can exceed Number's precision). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
