/**
 * The worker's event-source settings in local mode, from the same defaults and the same formula as
 * the CDK stack (infra/stack-settings.ts, infra/worker-concurrency.ts), so local mode drives the
 * worker the way the deployed event source mappings do. Only the rate budget comes from local
 * settings (DIALPAD_RATE_LIMIT_RPS).
 */
import { stackSettingsSchema } from "../../infra/stack-settings";
import { laneConcurrency, queueVisibilityTimeoutSeconds } from "../../infra/worker-concurrency";
import type { Lane } from "../../shared/lifecycle/ports";

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
    // As the stack's bulk queue (local mode gives both queues the longer one).
    visibilityTimeoutSeconds: queueVisibilityTimeoutSeconds(
      stack.workerTimeoutSeconds,
      stack.bulkBatchingWindowSeconds,
    ),
  };
}
