/**
 * The telephony moves several job kinds share: assigning a number without ever assigning two,
 * joining and leaving call centers (each repeatable), and reading which call centers a user is in.
 */
import type { DialpadApi } from "../dialpad/api";
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser } from "../dialpad/schemas";
import { JobFailure } from "./failures";

/** True when the E.164 number's national part starts with the area code (`+1415...`, `+44207...`). */
export const hasAreaCode = (number: string, areaCode: string) =>
  /^\d+$/.test(areaCode) && new RegExp(`^\\+\\d{1,3}${areaCode}`).test(number);

/** The call centers Dialpad lists the user as an operator of. */
export const callCenterIdsOf = (user: DialpadUser): string[] =>
  (user.group_details ?? [])
    .filter((group) => group.group_type === "callcenter" && group.group_id)
    .map((group) => String(group.group_id));

/**
 * Assigns `phone_number`, or a number of `area_code`, as the user's primary number. Assignment is
 * never repeated blindly (a second one would give the user a second number): when `verifyFirst`
 * (a resumed attempt, or a user that may already hold it), the user's numbers are read first.
 */
export async function assignNumberOnce(
  dialpad: DialpadApi,
  userId: string,
  wanted: { phone_number?: string; area_code?: string },
  verifyFirst: boolean,
): Promise<{ number: string | undefined; detail: string }> {
  const { phone_number, area_code } = wanted;
  if (verifyFirst) {
    const numbers = (await dialpad.getUser(userId)).phone_numbers ?? [];
    const held = phone_number
      ? numbers.find((n) => n === phone_number)
      : numbers.find((n) => hasAreaCode(n, area_code ?? ""));
    if (held) return { number: held, detail: `already has ${held}` };
  }
  try {
    const assignment = await dialpad.assignNumber(userId, {
      ...(phone_number ? { number: phone_number } : { area_code }),
      primary: true,
    });
    const assigned = assignment.number ?? phone_number;
    return { number: assigned, detail: `assigned ${assigned ?? "a number"}` };
  } catch (error) {
    if (isDialpadError(error, "rejected") || isDialpadError(error, "not_found"))
      throw new JobFailure(
        "number_unavailable",
        `Dialpad could not assign ${phone_number ?? `a ${area_code} number`}: ${error.message}`,
      );
    throw error;
  }
}

/** Adds the user as an operator; already one (409, an earlier attempt) counts as done. */
export async function joinCallCenter(dialpad: DialpadApi, callCenterId: string, userId: string) {
  try {
    await dialpad.addOperator(callCenterId, { user_id: userId });
  } catch (error) {
    if (isDialpadError(error, "conflict")) return;
    if (isDialpadError(error, "not_found"))
      throw new JobFailure("call_center_not_found", `Call center ${callCenterId} does not exist.`);
    throw error;
  }
}

/** Removes the user as an operator; not being one (any more) counts as done. */
export async function leaveCallCenter(dialpad: DialpadApi, callCenterId: string, userId: string) {
  try {
    await dialpad.removeOperator(callCenterId, userId);
  } catch (error) {
    if (!(await notAnOperator(dialpad, callCenterId, userId, error))) throw error;
  }
}

/**
 * Whether a refused removal means the user was not an operator anyway, which is the goal. Dialpad
 * does not document that answer (404 is our guess), so any other refusal is checked against the
 * call center's operator list; a failure worth repeating (429, 5xx) never is.
 */
async function notAnOperator(
  dialpad: DialpadApi,
  callCenterId: string,
  userId: string,
  error: unknown,
): Promise<boolean> {
  if (!isDialpadError(error) || error.retryable) return false;
  if (isDialpadError(error, "not_found")) return true;
  try {
    const { users } = await dialpad.listOperators(callCenterId);
    return !(users ?? []).some((operator) => operator.id === userId);
  } catch (listError) {
    if (isDialpadError(listError, "not_found")) return true; // the call center itself is gone
    throw listError;
  }
}
