/**
 * Deletion after retention, primary course: read the user and our record (stop if either says
 * "not now": held, reactivated, deadline moved, another user, approval missing) and check where its
 * numbers are to be parked → remove any call-center membership left → move every number still on
 * the user to the parking target (NUMBER_PARKING_TARGET; never unassigned, which releases a number
 * when the company has no reserved pool; released only with NUMBERS_ON_DELETE=release) → DELETE →
 * record deleted_at. Both are read again before every change, so a person reactivated, held or
 * re-timed meanwhile (or a resumed attempt) keeps every number and membership it still has.
 */
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser } from "../dialpad/schemas";
import { requireAuthorityOver } from "./authority";
import { JobCancelled, JobFailure } from "./failures";
import { defineJobKind } from "./job-kind";
import { deletionRefusal, SUSPENSION_FIELDS } from "./lifecycle-policy";
import type { DeleteRequest, JobOf } from "./model";
import {
  handOffNumber,
  type ResolvedHandoff,
  recordNumbersMoved,
  resolveHandoff,
  whereNumbersWent,
} from "./number-handoff";
import { type DeleteProgress, deleteProgress } from "./progress";
import { defineStep, type Step, type StepContext } from "./steps";
import { callCenterIdsOf, leaveCallCenter } from "./telephony";

declare module "./model" {
  interface JobKindShapes {
    delete: { request: DeleteRequest; progress: DeleteProgress };
  }
}

type DeleteJob = JobOf<"delete">;
const step = defineStep<DeleteJob>();
type DeleteContext = Pick<StepContext<DeleteJob>, "job" | "deps">;

async function recordDeleted({ job, deps }: DeleteContext, detail: string) {
  const at = deps.clock.now().toISOString();
  await deps.people.apply(job.request.email, {
    set: { state: "deleted", deleted_at: at, updated_at: at },
    remove: ["delete_after"],
    history: { at, action: "deleted", source: "sweeper", job_id: job.job_id, client: job.client, detail },
    historyId: `${job.job_id}#deleted`,
  });
}

/**
 * The user as Dialpad has it now; undefined once Dialpad has deleted it (or no longer knows it). A
 * Dialpad admin is only deleted on the authority of an `admin` client (privileged_user otherwise).
 */
async function currentUser({ job, deps }: DeleteContext): Promise<DialpadUser | undefined> {
  let user: DialpadUser;
  try {
    user = await deps.dialpad.getUser(job.request.user_id);
  } catch (error) {
    if (isDialpadError(error, "not_found")) return undefined;
    throw error;
  }
  if (user.state === "deleted") return undefined;
  if (user.state === "suspended") requireAuthorityOver(user, job, "delete");
  return user;
}

/** Why our own record, read consistently now, says the person must not be deleted (the policy's rule). */
async function reasonNotToDelete({ job, deps }: DeleteContext): Promise<string | undefined> {
  return deletionRefusal(
    await deps.people.get(job.request.email),
    job.request,
    deps.clock.now(),
    deps.settings.requireDeletionApproval === true,
  );
}

/** Our record says "not now": record why on the person, let a later sweep try again, and stop. */
async function stopDeletion({ job, deps }: DeleteContext, reason: string): Promise<never> {
  const at = deps.clock.now().toISOString();
  const detail = `Not deleted: ${reason}.`;
  const person = await deps.people.get(job.request.email);
  if (person)
    await deps.people.apply(job.request.email, {
      set: { updated_at: at },
      history: {
        at,
        action: "deletion_stopped",
        source: "sweeper",
        job_id: job.job_id,
        client: job.client,
        detail,
      },
      historyId: `${job.job_id}#stopped`,
    });
  await deps.people.forgetDeleteJob(job.request.email, job.job_id);
  throw new JobCancelled(detail);
}

/** Someone reactivated the user: record why the deletion stops, and stop it. */
async function cancelDeletion({ job, deps }: DeleteContext, state: string | undefined): Promise<never> {
  const at = deps.clock.now().toISOString();
  const reason = `Dialpad user ${job.request.user_id} is ${state ?? "in an unknown state"}, not suspended: someone reactivated it, so it is not deleted.`;
  await deps.people.apply(job.request.email, {
    set: { state: "active", updated_at: at },
    remove: [...SUSPENSION_FIELDS],
    history: {
      at,
      action: "deletion_cancelled",
      source: "sweeper",
      job_id: job.job_id,
      client: job.client,
      detail: reason,
    },
    historyId: `${job.job_id}#cancelled`,
  });
  throw new JobCancelled(reason);
}

/**
 * The look before every change: Dialpad first, then our record (read last, so nothing written to it
 * before this look is missed). Stops the job when the person must not be deleted now (held,
 * re-timed, reactivated...). Answers the suspended user as it is now, or undefined when Dialpad has
 * deleted it already (nothing is left to protect).
 */
async function stillToBeDeleted(ctx: DeleteContext): Promise<DialpadUser | undefined> {
  const user = await currentUser(ctx);
  if (!user) return undefined;
  const reason = await reasonNotToDelete(ctx);
  if (reason) await stopDeletion(ctx, reason);
  if (user.state !== "suspended") await cancelDeletion(ctx, user.state);
  return user;
}

/**
 * Where the numbers still on the user go: NUMBERS_ON_DELETE=release gives them up; otherwise the
 * parking target (the user's own office by default), checked to exist before anything changes.
 */
async function parkingFor({ job, deps }: DeleteContext, user: DialpadUser): Promise<ResolvedHandoff> {
  if (deps.settings.numbersOnDelete === "release")
    return { to: "release", label: "released (NUMBERS_ON_DELETE=release)" };
  const target = deps.settings.numberParkingTarget;
  const officeId = user.office_id;
  if (target.to === "office" && !officeId)
    throw new JobFailure(
      "handoff_target_not_found",
      `Dialpad user ${job.request.user_id} has no office to park its numbers in; nothing was changed.`,
    );
  return resolveHandoff(
    deps.dialpad,
    target.to === "office" ? { to: "office", id: officeId ?? "" } : target,
    job.request.user_id,
  );
}

/**
 * Runs `change` on each item `pending` picks from the user, looking again (stillToBeDeleted) before
 * every change, so no change is made on a state older than one look. Each item is changed once per
 * attempt. Answers the items changed and the user at the last look (undefined: deleted in
 * Dialpad); `done` gets the items changed even when a look or a change fails.
 */
async function changeWhileStillDue(
  ctx: DeleteContext,
  pending: (user: DialpadUser) => readonly string[],
  change: (item: string) => Promise<void>,
  done: (changed: string[]) => Promise<void> = async () => {},
): Promise<{ changed: string[]; user: DialpadUser | undefined }> {
  const changed: string[] = [];
  try {
    for (;;) {
      const user = await stillToBeDeleted(ctx);
      const next = user && pending(user).find((item) => !changed.includes(item));
      if (next === undefined) return { changed, user };
      await change(next);
      changed.push(next);
    }
  } finally {
    await done(changed);
  }
}

const rereadUser = step({
  name: "reread_user",
  async run(ctx) {
    const user = await stillToBeDeleted(ctx);
    if (!user) {
      await recordDeleted(ctx, "already deleted in Dialpad");
      return { status: "succeeded", detail: "already deleted in Dialpad", next: "finish_job" };
    }
    const parking = await parkingFor(ctx, user);
    return {
      status: "succeeded",
      detail: `still suspended; its numbers go to ${parking.label}`,
      produces: { parking },
    };
  },
});

const removeFromCallCenters = step({
  name: "remove_from_call_centers",
  async run(ctx) {
    const { job, deps } = ctx;
    const { changed: removed } = await changeWhileStillDue(ctx, callCenterIdsOf, (callCenterId) =>
      leaveCallCenter(deps.dialpad, callCenterId, job.request.user_id),
    );
    if (removed.length === 0) return { status: "skipped", detail: "in no call center" };
    return { status: "succeeded", detail: `removed from ${removed.join(", ")}` };
  },
});

/**
 * Moves every number still on the user to the parking target (released with NUMBERS_ON_DELETE=release),
 * looking before each move, and records where they went. Answers the numbers moved and the user
 * at the last look.
 */
async function parkHeldNumbers(ctx: DeleteContext & Pick<StepContext<DeleteJob>, "progress">) {
  const { job, deps, progress } = ctx;
  // A job accepted before parking existed has no target yet: check it now, before any change.
  const user = progress.parking ? undefined : await stillToBeDeleted(ctx);
  const parking = progress.parking ?? (user ? await parkingFor(ctx, user) : undefined);
  if (!parking) return { changed: [], user: undefined, parking };
  const parked = await changeWhileStillDue(
    ctx,
    (held) => held.phone_numbers ?? [],
    (number) => handOffNumber(deps.dialpad, job.request.user_id, number, parking),
    // Recorded per attempt: an attempt cut short still says where the numbers it moved went.
    async (numbers) => {
      if (numbers.length === 0) return;
      await recordNumbersMoved(deps, job.request.email, {
        action: parking.to === "release" ? "numbers_released" : "numbers_parked",
        by: { source: "sweeper", job_id: job.job_id, client: job.client },
        detail: whereNumbersWent(numbers, parking),
        historyId: `${job.job_id}#numbers_parked#${numbers[0]}`,
      });
    },
  );
  return { ...parked, parking };
}

const parkNumbers = step({
  name: "park_numbers",
  async run(ctx) {
    const { changed, parking } = await parkHeldNumbers(ctx);
    if (!parking) return { status: "skipped", detail: "already deleted in Dialpad" };
    if (changed.length === 0) return { status: "skipped", detail: "no numbers" };
    return { status: "succeeded", detail: whereNumbersWent(changed, parking) };
  },
});

const deleteUser = step({
  name: "delete_user",
  async run(ctx) {
    const { job, deps } = ctx;
    // Look once more right before the permanent step: someone may have reactivated the user since
    // the last change, placed a hold, or given it a number (parked first: it must not leave with it).
    const { user } = await parkHeldNumbers(ctx);
    if (user && (user.phone_numbers ?? []).length > 0)
      throw new JobFailure(
        "internal_error",
        `Dialpad user ${job.request.user_id} still holds ${user.phone_numbers?.join(", ")} after they were parked; it is not deleted with them.`,
      );
    if (user) {
      try {
        await deps.dialpad.deleteUser(job.request.user_id);
      } catch (error) {
        if (!isDialpadError(error, "not_found")) throw error;
      }
    }
    return { status: "succeeded", detail: `deleted user ${job.request.user_id}` };
  },
});

const recordDeletion = step({
  name: "record_deletion",
  async run(ctx) {
    await recordDeleted(ctx, `user ${ctx.job.request.user_id} deleted after retention`);
    return { status: "succeeded", detail: "lifecycle record deleted" };
  },
});

const DELETE_STEPS: readonly Step<DeleteJob>[] = [
  rereadUser,
  removeFromCallCenters,
  parkNumbers,
  deleteUser,
  recordDeletion,
];

/** Deletion after retention is urgent like the offboarding that scheduled it; the sweeper takes it in. */
export const deleteKind = defineJobKind({
  kind: "delete",
  lane: "urgent",
  removesPeople: true,
  progress: deleteProgress,
  steps: DELETE_STEPS,
});
