/**
 * How a job ends early: JobFailure (permanent, with a documented code: never retried) and
 * JobCancelled (the work no longer makes sense). Anything else thrown by a step is retried.
 */
import { type DialpadError, isDialpadError } from "../dialpad/errors";
import { JOB_ERROR_CODES, type JobError, type JobErrorCode } from "./model";

export class JobFailure extends Error {
  override name = "JobFailure";
  constructor(
    readonly code: JobErrorCode,
    message: string = JOB_ERROR_CODES[code],
  ) {
    super(message);
  }
}

export class JobCancelled extends Error {
  override name = "JobCancelled";
}

/** Dialpad errors that no retry can fix become job failures; the rest are retried. */
export function permanentFailureOf(error: unknown): JobFailure | undefined {
  if (error instanceof JobFailure) return error;
  if (!isDialpadError(error)) return undefined;
  switch (error.kind) {
    case "no_seats":
      return new JobFailure("no_seats", dialpadMessage(error));
    case "rejected":
    case "forbidden":
    case "conflict":
    case "not_found":
      return new JobFailure("dialpad_rejected", dialpadMessage(error));
    default:
      return undefined;
  }
}

/** What a job says of an error that is none of ours: the details are in the logs only. */
export const INTERNAL_ERROR_DETAIL = "internal error (details are logged under the job id)";

/**
 * The text of an error that a job (or report) may show its readers. Our own failures, cancellations
 * and Dialpad's errors are written to be shown (Dialpad errors name the route template and Dialpad's
 * own refusal, never a key or an id); anything else (an AWS SDK error naming a secret ARN or a
 * table, a TypeError with a stack) is internal and shows as INTERNAL_ERROR_DETAIL.
 */
export function publicMessageOf(error: unknown): string {
  if (error instanceof JobFailure || error instanceof JobCancelled || isDialpadError(error))
    return error.message;
  return INTERNAL_ERROR_DETAIL;
}

/** True for errors nobody planned for: they are logged in full, and shown as INTERNAL_ERROR_DETAIL. */
export const isUnexpected = (error: unknown) => publicMessageOf(error) === INTERNAL_ERROR_DETAIL;

/** The error recorded on a job whose retries ran out. */
export function exhaustedFailureOf(error: unknown): JobError {
  if (isDialpadError(error, "unauthorized"))
    return { code: "dialpad_unauthorized", message: JOB_ERROR_CODES.dialpad_unauthorized };
  if (isDialpadError(error))
    return {
      code: "dialpad_unavailable",
      message: `${JOB_ERROR_CODES.dialpad_unavailable} Last error: ${error.message}`,
    };
  return { code: "internal_error", message: JOB_ERROR_CODES.internal_error };
}

const dialpadMessage = (error: DialpadError) =>
  `Dialpad answered ${error.status ?? "an error"}: ${error.message}`;
