/**
 * The worker's event-source settings in local mode, from the same defaults and the same formula as
 * the CDK stack (infra/stack-settings.ts, infra/worker-concurrency.ts), so local mode drives the
 * worker the way the deployed event source mappings do. Only the rate budget comes from local
 * settings (DIALPAD_RATE_LIMIT_RPS).
 */
import { stackSettingsSchema } from "../../infra/stack-settings";
import { laneConcurrency } from "../../infra/worker-concurrency";
import type { Lane } from "../../shared/lifecycle/ports";

/** Lambda's guidance, as the stack applies it: visibility timeout = 6 × the worker's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface EventSourceSizing {
  batchSize: number;
  maxConcurrency: number;
  batchingWindowSeconds: number;
}

export interface WorkerSizing {
  lanes: Record<Lane, EventSourceSizing>;
  workerTimeoutSeconds: number;
  visibilityTimeoutSeconds: number;
}

export function workerSizing(budgetRps: number): WorkerSizing {
  const stack = stackSettingsSchema.parse({});
  const concurrency = laneConcurrency({ ...stack, dialpadRateLimitRps: budgetRps });
  return {
    lanes: {
      urgent: {
        batchSize: stack.urgentBatchSize,
        maxConcurrency: concurrency.urgent,
        batchingWindowSeconds: 0,
      },
      bulk: {
        batchSize: stack.bulkBatchSize,
        maxConcurrency: concurrency.bulk,
        batchingWindowSeconds: stack.bulkBatchingWindowSeconds,
      },
    },
    workerTimeoutSeconds: stack.workerTimeoutSeconds,
    // As the stack's bulk queue: a record gathered early waits out the window before its invocation starts.
    visibilityTimeoutSeconds:
      VISIBILITY_TIMEOUT_FACTOR * stack.workerTimeoutSeconds + stack.bulkBatchingWindowSeconds,
  };
}
