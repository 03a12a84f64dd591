/**
 * Deletion after retention, primary course: re-read our record and the user (stop if either says
 * "not now": held, reactivated, deadline moved, another user, approval missing) → remove any
 * call-center membership left → unassign its numbers back to the company's reserved pool (unless
 * configured to let Dialpad release them; numbers handed off at offboarding are no longer the
 * user's, so they are not touched) → read both again → DELETE → record deleted_at.
 */
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser } from "../dialpad/schemas";
import { requireAuthorityOver } from "./authority";
import { JobCancelled } from "./failures";
import { deletionRefusal, SUSPENSION_FIELDS } from "./lifecycle-policy";
import type { JobOf } from "./model";
import { leaveCallCenters } from "./offboard";
import { defineStep, type Step, type StepContext } from "./steps";

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
 * Dialpad's state of the user now (a user Dialpad no longer knows counts as deleted). A Dialpad
 * admin is only deleted on the authority of an `admin` client (privileged_user otherwise).
 */
async function currentState({ job, deps }: DeleteContext): Promise<string | undefined> {
  let user: DialpadUser;
  try {
    user = await deps.dialpad.getUser(job.request.user_id);
  } catch (error) {
    if (isDialpadError(error, "not_found")) return "deleted";
    throw error;
  }
  if (user.state === "suspended") requireAuthorityOver(user, job, "delete");
  return user.state;
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

const rereadUser = step({
  name: "reread_user",
  async run(ctx) {
    const reason = await reasonNotToDelete(ctx);
    if (reason) await stopDeletion(ctx, reason);
    const state = await currentState(ctx);
    if (state === "deleted") {
      await recordDeleted(ctx, "already deleted in Dialpad");
      return { status: "succeeded", detail: "already deleted in Dialpad", next: "finish_job" };
    }
    if (state !== "suspended") await cancelDeletion(ctx, state);
    return { status: "succeeded", detail: "still suspended" };
  },
});

const removeFromCallCenters = step({
  name: "remove_from_call_centers",
  async run({ job, deps }) {
    const removed = await leaveCallCenters(deps.dialpad, job.request.user_id);
    if (removed.length === 0) return { status: "skipped", detail: "in no call center" };
    return { status: "succeeded", detail: `removed from ${removed.join(", ")}` };
  },
});

const unassignNumbers = step({
  name: "unassign_numbers",
  async run({ job, deps }) {
    if (!deps.settings.keepNumbersOnDelete)
      return { status: "skipped", detail: "numbers released by the deletion" };
    const numbers = (await deps.dialpad.getUser(job.request.user_id)).phone_numbers ?? [];
    for (const number of numbers) await deps.dialpad.unassignNumber(job.request.user_id, number);
    if (numbers.length === 0) return { status: "skipped", detail: "no numbers" };
    return { status: "succeeded", detail: `returned ${numbers.join(", ")} to the reserved pool` };
  },
});

const deleteUser = step({
  name: "delete_user",
  async run(ctx) {
    const { job, deps } = ctx;
    // Look once more right before the permanent step: an earlier attempt may have failed after
    // reread_user, someone may have reactivated the user since, or placed a hold. Our record is
    // read last, so nothing written before this read can be missed.
    const state = await currentState(ctx);
    if (state !== "suspended" && state !== "deleted") await cancelDeletion(ctx, state);
    if (state === "suspended") {
      const reason = await reasonNotToDelete(ctx);
      if (reason) await stopDeletion(ctx, reason);
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

export const DELETE_STEPS: readonly Step<DeleteJob>[] = [
  rereadUser,
  removeFromCallCenters,
  unassignNumbers,
  deleteUser,
  recordDeletion,
];
