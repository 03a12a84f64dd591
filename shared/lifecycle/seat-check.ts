/**
 * The seat check of every job that is about to use a seat: an onboarding's create, and a move to
 * another office or a licence change. The seat comes from the office's shared reading
 * (seat-readings.ts), so jobs that run together spend no Dialpad request on the same counts, and
 * `no_seats` is answered only when Dialpad itself has just said there is none.
 */
import { isDialpadError } from "../dialpad/errors";
import type { License } from "../dialpad/schemas";
import { seatLineOf } from "../dialpad/seat-lines";
import { JobFailure } from "./failures";
import type { StepDeps } from "./steps";

/** Takes a seat of the licence's line in the office, or fails the job before anything changed. */
export async function takeSeat(
  deps: Pick<StepDeps, "seats" | "onSeatsChecked">,
  officeId: string,
  license: License,
): Promise<{ line: string; left: number }> {
  const line = seatLineOf(license);
  let left: number;
  try {
    left = (await deps.seats.claim(officeId, line)).free;
  } catch (error) {
    if (isDialpadError(error, "not_found"))
      throw new JobFailure("office_not_found", `No Dialpad office has id ${officeId}.`);
    throw error;
  }
  deps.onSeatsChecked?.({ officeId, line, left });
  if (!(left > 0))
    throw new JobFailure("no_seats", `Office ${officeId} has no ${line} left for licence "${license}".`);
  return { line, left };
}

/**
 * Runs a Dialpad change that uses a seat. Dialpad's refusal for want of seats is the last word: the
 * office's shared reading is dropped, so the next job reads the counts afresh, and the error stands.
 */
export async function usingSeat<T>(
  deps: Pick<StepDeps, "seats">,
  officeId: string | undefined,
  change: () => Promise<T>,
): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (officeId && isDialpadError(error, "no_seats")) await deps.seats.forget(officeId);
    throw error;
  }
}
