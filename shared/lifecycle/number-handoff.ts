/**
 * Where an offboarded person's numbers go (`number_handoff`): kept on the suspended user until the
 * deletion (default), released to the company's pool, or handed to a user (by email, e.g. the
 * manager), a department, a call center or an office. The target is resolved while the leaver is
 * resolved, before anything changes, so an unknown target fails `handoff_target_not_found` with
 * the leaver still active and holding its numbers. The handoff itself re-reads the numbers the
 * leaver still holds, so a resumed attempt only moves the ones an interrupted attempt did not.
 */
import type { DialpadApi } from "../dialpad/api";
import { isDialpadError } from "../dialpad/errors";
import type { NumberTargetType } from "../dialpad/schemas";
import { JobFailure } from "./failures";
import type { HistoryEntry, NumberHandoff } from "./model";
import type { StepDeps } from "./steps";

/** The resolved handoff, as stored in the offboard's progress. */
export interface ResolvedHandoff {
  to: NumberHandoff["to"];
  target_type?: NumberTargetType;
  target_id?: string;
  /** How history and step details name the target, e.g. `user 42 (boss@example.com)`. */
  label: string;
}

const TARGET_TYPE = { department: "department", call_center: "callcenter", office: "office" } as const;

/** Checks the target exists (and can hold numbers) without changing anything. */
export async function resolveHandoff(
  dialpad: DialpadApi,
  handoff: NumberHandoff | undefined,
  leaverId: string,
): Promise<ResolvedHandoff> {
  if (!handoff || handoff.to === "keep") return { to: "keep", label: "kept by the suspended user" };
  if (handoff.to === "release") return { to: "release", label: "the company's pool" };
  if (handoff.to === "user") {
    const [user] = await dialpad.findUsersByEmail(handoff.email, "active");
    const unusable = !user
      ? `no active Dialpad user has the email ${handoff.email}`
      : user.id === leaverId
        ? "the target user is the leaver"
        : undefined;
    if (unusable && handoff.otherwise === "keep")
      // A manager who left or was suspended: the numbers stay with the leaver rather than failing
      // the whole deprovision (what the SCIM front asks for).
      return { to: "keep", label: `kept by the suspended user (${unusable})` };
    if (!user || unusable) throw notFound(unusable ?? "");
    return {
      to: "user",
      target_type: "user",
      target_id: user.id,
      label: `user ${user.id} (${handoff.email})`,
    };
  }
  const targetType = TARGET_TYPE[handoff.to];
  let name: string | undefined;
  try {
    const target =
      handoff.to === "department"
        ? await dialpad.getDepartment(handoff.id)
        : handoff.to === "call_center"
          ? await dialpad.getCallCenter(handoff.id)
          : await dialpad.getOffice(handoff.id);
    if (target.state !== undefined && target.state !== "active")
      throw notFound(`${handoff.to.replace("_", " ")} ${handoff.id} is ${target.state}`);
    name = target.name;
  } catch (error) {
    if (isDialpadError(error, "not_found"))
      throw notFound(`no ${handoff.to.replace("_", " ")} has id ${handoff.id}`);
    throw error;
  }
  return {
    to: handoff.to,
    target_type: targetType,
    target_id: handoff.id,
    label: `${handoff.to.replace("_", " ")} ${handoff.id}${name ? ` (${name})` : ""}`,
  };
}

const notFound = (why: string) =>
  new JobFailure("handoff_target_not_found", `The number handoff target cannot be used: ${why}.`);

/**
 * Moves one number off the leaver to the resolved target (or unassigns it, for `release`). A target
 * that Dialpad no longer finds fails `handoff_target_not_found`: the number stays where it was.
 */
export async function handOffNumber(
  dialpad: DialpadApi,
  leaverId: string,
  number: string,
  handoff: ResolvedHandoff,
): Promise<void> {
  if (handoff.to === "release") {
    await dialpad.unassignNumber(leaverId, number);
    return;
  }
  try {
    await dialpad.assignNumberToTarget(number, {
      target_type: handoff.target_type ?? "user",
      target_id: handoff.target_id ?? "",
      // The leaver's line joins the target's numbers; it does not replace the target's own.
      primary: false,
    });
  } catch (error) {
    if (isDialpadError(error, "not_found"))
      throw notFound(`${handoff.label} was not found when ${number} was handed to it`);
    throw error;
  }
}

/**
 * Hands every number the leaver still holds to the resolved target (or releases it), adding each
 * to `moved` as soon as it has moved, so a caller interrupted half-way still knows which did.
 * Answers `moved`.
 */
export async function handOffNumbers(
  dialpad: DialpadApi,
  leaverId: string,
  handoff: ResolvedHandoff,
  moved: string[] = [],
): Promise<string[]> {
  if (handoff.to === "keep") return moved;
  const held = (await dialpad.getUser(leaverId)).phone_numbers ?? [];
  for (const number of held) {
    await handOffNumber(dialpad, leaverId, number, handoff);
    moved.push(number);
  }
  return moved;
}

/** How the history and step details say where numbers went: `+1415… → office 12 (HQ); …`. */
export const whereNumbersWent = (numbers: readonly string[], handoff: ResolvedHandoff) =>
  numbers.map((number) => `${number} → ${handoff.label}`).join("; ");

/** Records in the person's history where numbers went (a stable `historyId` makes a retry write it once). */
export async function recordNumbersMoved(
  deps: Pick<StepDeps, "people" | "clock">,
  email: string,
  entry: {
    action: string;
    by: Omit<HistoryEntry, "at" | "action" | "detail">;
    detail: string;
    historyId: string;
  },
): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.people.apply(email, {
    set: { updated_at: at },
    history: { at, action: entry.action, ...entry.by, detail: entry.detail },
    historyId: entry.historyId,
  });
}
