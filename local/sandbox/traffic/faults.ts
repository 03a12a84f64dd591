/**
 * Failures on demand: the next N requests (optionally only those of one method and route) answer a
 * 5xx, hang past any client timeout then drop the connection, or answer 429 with Retry-After in
 * seconds, as an HTTP date, or absent. Rules are consumed in the order they were injected.
 */
import * as z from "zod";

const match = {
  count: z.number().int().positive().default(1),
  /** e.g. "POST"; any method when absent. */
  method: z.string().toUpperCase().optional(),
  /** Route template under /api/v2, e.g. "/users/{id}"; any route when absent. */
  route: z.string().optional(),
};

export const faultSpec = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("error"),
    /** 5xx by default; a 4xx stands for a refusal in words or a status we do not expect. */
    status: z.number().int().min(400).max(599).default(503),
    message: z.string().optional(),
    ...match,
  }),
  z.strictObject({
    kind: z.literal("timeout"),
    /** How long the request hangs before the connection is dropped; default: the sandbox's setting. */
    hangMs: z.number().int().nonnegative().optional(),
    ...match,
  }),
  z.strictObject({
    kind: z.literal("rate-limit"),
    retryAfter: z.enum(["seconds", "http-date", "none"]).default("seconds"),
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    ...match,
  }),
]);
export type FaultSpec = z.input<typeof faultSpec>;
export type Fault = z.output<typeof faultSpec>;

export class FaultInjector {
  private pending: Fault[] = [];

  inject(spec: FaultSpec): void {
    this.pending.push(faultSpec.parse(spec));
  }

  /** The fault this request must suffer, if any (consumes one of that rule's count). */
  take(method: string, route: string | undefined): Fault | undefined {
    const index = this.pending.findIndex(
      (f) => (f.method === undefined || f.method === method) && (f.route === undefined || f.route === route),
    );
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.pending.splice(index, 1);
    return { ...fault };
  }

  pendingFaults(): Fault[] {
    return this.pending.map((f) => ({ ...f }));
  }

  clear(): void {
    this.pending = [];
  }
}

/** The Retry-After header value of an injected 429, or undefined for none. */
export function retryAfterHeader(
  fault: Extract<Fault, { kind: "rate-limit" }>,
  now: Date,
): string | undefined {
  if (fault.retryAfter === "none") return undefined;
  if (fault.retryAfter === "seconds") return String(fault.retryAfterSeconds);
  return new Date(now.getTime() + fault.retryAfterSeconds * 1000).toUTCString();
}
