/**
 * Test helpers for the shared rate budget: simulated Lambda containers (each its own DynamoDB client
 * and its own budget instance, so its own STATE cache), workers that acquire in a loop and record
 * when each grant was given, and the figures the tests assert on.
 */
import type { RateLimiter } from "../../shared/dialpad/api";
import {
  createSharedRateBudget,
  type SharedRateBudget,
  type SharedRateBudgetOptions,
} from "../../shared/ratelimit/shared-rate-budget";
import { localDocumentClient, localDynamoDb } from "../support/aws";

export interface Container {
  budget: SharedRateBudget;
  /** DynamoDB calls this container made, by command name (e.g. UpdateItemCommand). */
  calls: Map<string, number>;
  /** How long each of its writes took (ms): the local engine's latency varies with the machine's load. */
  writeLatencies: number[];
}

/** One simulated Lambda container; every DynamoDB call it makes is counted. */
export function startContainer(options: Omit<SharedRateBudgetOptions, "doc">): Container {
  const client = localDynamoDb();
  const calls = new Map<string, number>();
  const writeLatencies: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? "unknown";
      calls.set(command, (calls.get(command) ?? 0) + 1);
      const startedAt = Date.now();
      try {
        return await next(args);
      } finally {
        if (command === "UpdateItemCommand") writeLatencies.push(Date.now() - startedAt);
      }
    },
    { step: "initialize", name: "countRateBudgetCalls" },
  );
  return {
    budget: createSharedRateBudget({ ...options, doc: localDocumentClient(client) }),
    calls,
    writeLatencies,
  };
}

/** One acquire per container: a warm Lambda has its STATE copy and its connections already. */
export async function warmUp(containers: Container[]): Promise<void> {
  await Promise.all(containers.map((c) => c.budget.limiterFor("bulk").acquire()));
}

export function totalCalls(containers: Container[], commandName: string): number {
  return containers.reduce((sum, c) => sum + (c.calls.get(commandName) ?? 0), 0);
}

/**
 * Acquires in a loop until `stopAt`, recording each grant's time; `workMs` simulates the Dialpad
 * call the grant was for. Grants confirmed after `stopAt` are not recorded. Returns how many
 * acquires completed (recorded or not).
 */
export async function acquireUntil(
  limiter: RateLimiter,
  stopAt: number,
  grants: number[],
  options: { workMs?: number; waits?: number[] } = {},
): Promise<number> {
  let acquires = 0;
  while (Date.now() < stopAt) {
    const askedAt = Date.now();
    await limiter.acquire();
    acquires++;
    const grantedAt = Date.now();
    if (grantedAt >= stopAt) break;
    grants.push(grantedAt);
    options.waits?.push(grantedAt - askedAt);
    if (options.workMs) await new Promise((resolve) => setTimeout(resolve, options.workMs));
  }
  return acquires;
}

/** The most grants inside any 1-second span [t, t + 1000). */
export function peakPerSecond(grantTimes: number[]): number {
  const sorted = [...grantTimes].sort((a, b) => a - b);
  let peak = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while (sorted[head]! - sorted[tail]! >= 1000) tail++;
    peak = Math.max(peak, head - tail + 1);
  }
  return peak;
}

export function countBetween(grantTimes: number[], fromMs: number, toMs: number): number {
  return grantTimes.filter((t) => t >= fromMs && t < toMs).length;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
