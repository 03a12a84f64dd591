/**
 * The worker's SQS batch handler: every record of the batch runs concurrently (records of one batch
 * belong to different people or wait on each other's lease), and only the failed records are
 * reported back (`reportBatchItemFailures`) so the rest are not redelivered.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type ProcessDeps, processJobMessage } from "./process-job-message";

export type WorkerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function createWorkerHandler(deps: ProcessDeps): WorkerHandler {
  return async (event, context) => {
    // A processor per invocation: it holds the batch's results, and local mode runs batches concurrently.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      (record: SQSRecord) =>
        processJobMessage(record, deps, context && (() => context.getRemainingTimeInMillis())),
      processor,
      {
        ...(context ? { context } : {}),
        // A batch whose every record failed (or was handed back before the deadline) is still an
        // answer listing them, not an invocation error: SQS redelivers exactly those records.
        throwOnFullBatchFailure: false,
      },
    );
  };
}
