/**
 * Local stand-in for the EventBridge schedules: calls a function's entry every `intervalSeconds`
 * with a scheduled event. A run never overlaps the previous one (the next tick waits for it), and
 * a failure that repeats every tick is reported once, not once a second.
 */
import type { ScheduledEvent } from "aws-lambda";
import { type LambdaEntry, LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaContext } from "./lambda-context";

export interface ScheduledRunOptions {
  name: string;
  intervalSeconds: number;
  /** The function's timeout, for the context's remaining time. */
  timeoutSeconds: number;
  /** Loads the function's entry on first use. */
  entry: () => Promise<LambdaEntry>;
  onError?: (message: string) => void;
  /** Called when a run succeeds after failures, so the reader knows the problem is gone. */
  onRecovered?: () => void;
}

export interface RunningSchedule {
  stop(): Promise<void>;
  /** Runs finished so far (succeeded or failed). */
  readonly runs: number;
}

export function scheduledEvent(name: string, at: Date): ScheduledEvent {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.scheduler",
    account: LOCAL_ACCOUNT_ID,
    time: at.toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/default/${name}`],
    detail: {},
  };
}

export function startScheduledRuns(options: ScheduledRunOptions): RunningSchedule {
  let stopped = false;
  let runs = 0;
  let lastError: string | undefined;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    try {
      const entry = await options.entry();
      await entry(
        scheduledEvent(options.name, new Date()),
        lambdaContext(options.name, options.timeoutSeconds),
      );
      if (lastError !== undefined) options.onRecovered?.();
      lastError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) options.onError?.(`${options.name} run failed: ${message}`);
      lastError = message;
    } finally {
      runs += 1;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = runOnce().then(schedule);
    }, options.intervalSeconds * 1000);
  };
  schedule();

  return {
    get runs() {
      return runs;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
