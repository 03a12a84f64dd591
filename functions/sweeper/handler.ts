/**
 * Lambda entry of the retention sweeper (EventBridge Scheduler; a timer in local mode): one
 * idempotent sweep of the retention due list per invocation, stopping between pages before the
 * function's timeout (the next sweep carries on), then a re-send of accepted jobs whose queue send
 * was lost. Answers and logs the counts.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { resendUnsentJobs } from "../../shared/lifecycle/resend-unsent-jobs";
import { createLogger } from "../../shared/observability/logger";
import { createTracer } from "../../shared/observability/tracing";
import { runSweep, type SweepResult } from "../../shared/retention/run-sweep";
import { sweepDepsFromEnv } from "../../shared/wiring/from-env";

/** Left for the last page's jobs to be written and queued. */
const TIME_RESERVE_MS = 20_000;

const logger = createLogger({ component: "sweeper" });
const tracer = createTracer();

export type SweepReport = SweepResult & { unsent_jobs_resent: number };
export type Sweeper = (options?: { deadlineMs?: number }) => Promise<SweepReport>;

/** One sweep with the environment's wiring; local mode calls this on its timer. */
export function sweeperFromEnv(env: NodeJS.ProcessEnv = process.env): Sweeper {
  const deps = sweepDepsFromEnv(JOB_KINDS, env, tracer);
  return async (options = {}) => {
    const result = await runSweep({
      ...deps,
      ...options,
      onError: (_person, error) =>
        logger.error("Could not create a delete job", {
          error: error instanceof Error ? error : String(error),
        }),
    });
    // Accepted jobs whose queue send was lost go out again (nothing accepted is ever lost).
    return { ...result, unsent_jobs_resent: await resendUnsentJobs(deps) };
  };
}

let sweep: Sweeper | undefined;

export const handler = middy<unknown, SweepReport>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .handler(async (_event, context: Context) => {
    sweep ??= sweeperFromEnv();
    const result = await sweep({
      deadlineMs: Date.now() + context.getRemainingTimeInMillis() - TIME_RESERVE_MS,
    });
    logger.info("Sweep finished", { ...result });
    return result;
  });
