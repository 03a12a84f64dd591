/**
 * One attempt to deliver a job's callback, primary course: wait out `due_at` (in hops of at most
 * 15 minutes, SQS's longest delay) → read the job → POST it, signed → on a 2xx, done. A failed
 * attempt counts as a CallbackFailure and queues the next one with a growing delay (30 s doubling
 * to 1 h), for at least `RETRY_WINDOW_HOURS`; then it gives up. A target the SSRF guard refuses is
 * given up at once (retrying cannot make it allowed). The body is signed afresh on each attempt,
 * with the callback key of the client that asked for the job; a client without a key (or no longer
 * in the registry) gets no callback: it is given up at once, unsigned callbacks are never sent.
 */
import type { Clock, JobReads } from "../lifecycle/ports";
import { jobView } from "../lifecycle/views";
import { callbackUrlOf } from "./announce-finished";
import type { CallbackSender, PostOutcome } from "./callback-sender";
import { SIGNATURE_HEADER, signatureHeader } from "./callback-signature";
import type { CallbackMessage, CallbackQueue } from "./ports";

/** Retries go on at least this long after the first attempt. */
const RETRY_WINDOW_HOURS = 25;
/** SQS's longest message delay. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** Delay before attempt `attempt + 1`: `base` (30 s) doubling per attempt, at most one hour. */
export const callbackRetryDelaySeconds = (attempt: number, base = 30) =>
  Math.min(3600, base * 2 ** Math.max(0, attempt - 1));

export type DeliveryResult =
  | { status: "delivered"; attempt: number; http_status: number }
  | { status: "retrying"; attempt: number; reason: string; next_attempt_at: string }
  | { status: "waiting" }
  | { status: "gave_up"; attempt: number; reason: string }
  | { status: "nothing_to_send" };

export interface DeliverDeps {
  jobs: Pick<JobReads, "get">;
  sender: CallbackSender;
  queue: CallbackQueue;
  /** The client registry's callback keys: undefined for a client without one. */
  callbackKeys: { keyOf(client: string): Promise<string | undefined> };
  clock: Clock;
  /** The first retry's delay in seconds (CALLBACK_RETRY_BASE_SECONDS); default 30. */
  retryBaseSeconds?: number;
  /** Told of every failed attempt (the CallbackFailures metric, a log line). */
  onFailure?: (message: CallbackMessage, reason: string, result: DeliveryResult) => void;
}

export async function deliverCallback(message: CallbackMessage, deps: DeliverDeps): Promise<DeliveryResult> {
  const now = deps.clock.now();
  const waitMs = Date.parse(message.due_at) - now.getTime();
  if (waitMs > 1000) {
    await deps.queue.send(message, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(waitMs / 1000)));
    return { status: "waiting" };
  }
  const job = await deps.jobs.get(message.job_id);
  const url = job && callbackUrlOf(job);
  if (!job || !url) return { status: "nothing_to_send" };

  const key = await deps.callbackKeys.keyOf(job.client);
  const body = JSON.stringify(jobView(job));
  const outcome: PostOutcome = key
    ? await deps.sender.post({
        url,
        body,
        headers: {
          [SIGNATURE_HEADER]: signatureHeader(
            { client: job.client, key },
            body,
            Math.floor(now.getTime() / 1000),
          ),
          "user-agent": "dialpad-lifecycle-callback/1",
        },
      })
    : {
        type: "refused",
        reason: `client ${job.client} has no callback key (npm run client-token -- rotate-callback-key)`,
      };
  if (outcome.type === "delivered")
    return { status: "delivered", attempt: message.attempt, http_status: outcome.status };

  const reason = outcome.reason;
  let result: DeliveryResult;
  const delaySeconds = callbackRetryDelaySeconds(message.attempt, deps.retryBaseSeconds);
  const nextAt = new Date(now.getTime() + delaySeconds * 1000);
  const windowEnds = Date.parse(message.first_attempt_at) + RETRY_WINDOW_HOURS * 3600_000;
  if (outcome.type === "refused" || nextAt.getTime() > windowEnds) {
    result = { status: "gave_up", attempt: message.attempt, reason };
  } else {
    const next: CallbackMessage = { ...message, attempt: message.attempt + 1, due_at: nextAt.toISOString() };
    await deps.queue.send(next, Math.min(MAX_QUEUE_DELAY_SECONDS, delaySeconds));
    result = { status: "retrying", attempt: message.attempt, reason, next_attempt_at: next.due_at };
  }
  deps.onFailure?.(message, reason, result);
  return result;
}
