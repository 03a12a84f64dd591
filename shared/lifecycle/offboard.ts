/**
 * Offboarding, primary course: resolve the user and the number handoff target (an unknown target
 * fails here, before any change) → suspend (reversible, frees the licence) → remove from
 * call-center queues so calls stop routing to them → hand the numbers off → record the retention
 * deadline (the lifecycle policy's: someone already suspended keeps a later deadline and any need
 * for an approval unless the client holds `admin`). Permanent deletion happens later, in a delete job created by the retention sweeper.
 */

import type { DialpadApi } from "../dialpad/api";
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser } from "../dialpad/schemas";
import { requireAuthorityOver } from "./authority";
import { JobCancelled, JobFailure, permanentFailureOf } from "./failures";
import { defineJobKind, type IntakeHookDeps } from "./job-kind";
import { offboardRetention, requestNeedsAdmin, suspensionMarker } from "./lifecycle-policy";
import { guardOffboard } from "./mass-change-guard";
import { JOB_ERROR_CODES, type JobOf, type OffboardRequest } from "./model";
import { handOffNumbers, recordNumbersMoved, resolveHandoff, whereNumbersWent } from "./number-handoff";
import type { JobRuns, PersonReads, PersonWrites } from "./ports";
import type { OffboardProgress } from "./progress";
import { offboardProgress } from "./progress";
import { offboardRequest } from "./requests";
import { byWorkerFor, defineStep, type Step, type StepDeps } from "./steps";
import { callCenterIdsOf, leaveCallCenter } from "./telephony";

declare module "./model" {
  interface JobKindShapes {
    offboard: { request: OffboardRequest; progress: OffboardProgress };
  }
}

type OffboardJob = JobOf<"offboard">;
const step = defineStep<OffboardJob>();

/**
 * The user an offboard names: by id, or the live user owning the email. Given both, they must name
 * the same user (`identity_mismatch` otherwise): a ticket with one person's email and another's id
 * must not suspend the second and record the first.
 */
export async function resolveOffboardUser(
  dialpad: DialpadApi,
  request: OffboardJob["request"],
): Promise<DialpadUser> {
  if (request.user_id) {
    let user: DialpadUser;
    try {
      user = await dialpad.getUser(request.user_id);
    } catch (error) {
      if (isDialpadError(error, "not_found"))
        throw new JobFailure("user_not_found", `No Dialpad user has id ${request.user_id}.`);
      throw error;
    }
    const wanted = request.email?.toLowerCase();
    if (wanted && !(user.emails ?? []).some((email) => email.toLowerCase() === wanted))
      throw new JobFailure(
        "identity_mismatch",
        `Dialpad user ${request.user_id} does not have the email ${wanted}; nothing was changed.`,
      );
    return user;
  }
  const users = await dialpad.findUsersByEmail(request.email ?? "");
  const user = users.find((candidate) => candidate.state !== "deleted");
  if (!user) throw new JobFailure("user_not_found", "No Dialpad user has this email.");
  return user;
}

const resolveUser = step({
  name: "resolve_user",
  async run({ job, deps }) {
    const user = await resolveOffboardUser(deps.dialpad, job.request);
    if (user.state === "deleted")
      throw new JobFailure("user_not_found", `Dialpad user ${user.id} is already deleted.`);
    requireAuthorityOver(user, job, "offboard");
    const handoff = await resolveHandoff(deps.dialpad, job.request.number_handoff, user.id);
    const numbers = user.phone_numbers ?? [];
    await recordOffboardStarted(job, user, deps);
    return {
      status: "succeeded",
      detail: `user ${user.id} is ${user.state}; ${numbers.length} number(s) to ${handoff.to === "keep" ? "keep" : handoff.label}`,
      produces: { user_id: user.id, initial_state: user.state, numbers, handoff },
    };
  },
});

/**
 * Before the first change: the request on the person's history (an offboard by user id is only
 * tied to its person here), and, when the suspension will be ours, the marker that keeps it
 * attributed to this offboard even if a later step fails (lifecycle policy, invariant 2).
 */
async function recordOffboardStarted(job: OffboardJob, user: DialpadUser, deps: StepDeps) {
  const at = deps.clock.now().toISOString();
  await deps.people.apply(job.email ?? "", {
    set: { updated_at: at, ...(user.state === "active" ? suspensionMarker(job) : {}) },
    history: {
      at,
      action: "offboard_started",
      ...byWorkerFor(job),
      detail: `offboarding Dialpad user ${user.id} (${user.state})`,
    },
    historyId: `${job.job_id}#offboard_started`,
  });
}

const suspendUser = step({
  name: "suspend_user",
  reads: ["user_id", "initial_state"],
  async run({ job, progress, resumed, deps }) {
    const userId = progress.user_id;
    const state = resumed ? (await deps.dialpad.getUser(userId)).state : progress.initial_state;
    if (state === "suspended") return { status: "skipped", detail: "already suspended" };
    try {
      await deps.dialpad.updateUser(userId, { state: "suspended" });
    } catch (error) {
      // Refused: Dialpad did not suspend the user, so the suspension is not ours to claim.
      if (permanentFailureOf(error))
        await recordOffboardStopped(job, deps, `Dialpad refused to suspend user ${userId}`);
      throw error;
    }
    return { status: "succeeded", detail: `suspended user ${userId}` };
  },
});

/** The Dialpad user as it is now; undefined once Dialpad has deleted it (or no longer knows it). */
async function userNow(dialpad: DialpadApi, userId: string): Promise<DialpadUser | undefined> {
  try {
    const user = await dialpad.getUser(userId);
    return user.state === "deleted" ? undefined : user;
  } catch (error) {
    if (isDialpadError(error, "not_found")) return undefined;
    throw error;
  }
}

/**
 * Leaves each call center the user is in, reading the user before every removal (what is true
 * then, not what an earlier read said). A user reactivated by hand since the suspension keeps its
 * memberships (and numbers): the offboard stops there. A user deleted meanwhile has nothing left
 * to take away.
 */
const removeFromCallCenters = step({
  name: "remove_from_call_centers",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const userId = progress.user_id;
    const removed: string[] = [];
    for (;;) {
      const user = await userNow(deps.dialpad, userId);
      if (!user)
        return {
          status: removed.length > 0 ? "succeeded" : "skipped",
          detail: `Dialpad user ${userId} no longer exists${removed.length > 0 ? `; removed from ${removed.join(", ")} before` : ""}`,
          next: "finish_job",
        };
      if (user.state !== "suspended") {
        const reason = `Dialpad user ${userId} is ${user.state ?? "in an unknown state"}, not suspended: someone reactivated it, so the offboard stops with its memberships and numbers in place`;
        await recordOffboardStopped(job, deps, reason);
        throw new JobCancelled(`${reason}.`);
      }
      const next = callCenterIdsOf(user).find((id) => !removed.includes(id));
      if (next === undefined) break;
      await leaveCallCenter(deps.dialpad, next, userId);
      removed.push(next);
    }
    if (removed.length === 0) return { status: "skipped", detail: "in no call center" };
    return { status: "succeeded", detail: `removed from ${removed.join(", ")}` };
  },
});

const handOffNumbersStep = step({
  name: "hand_off_numbers",
  // An offboard resolved before handoffs existed has no handoff: it keeps its numbers.
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const handoff = progress.handoff ?? { to: "keep", label: "kept" };
    if (handoff.to === "keep") return { status: "skipped", detail: "numbers kept until the deletion" };
    const record = (numbers: string[], historyId: string) =>
      recordNumbersMoved(deps, job.email ?? "", {
        action: "numbers_handed_off",
        by: byWorkerFor(job),
        detail: whereNumbersWent(numbers, handoff),
        historyId,
      });
    const movedNow: string[] = [];
    try {
      await handOffNumbers(deps.dialpad, progress.user_id, handoff, movedNow);
    } catch (error) {
      // A job that fails for good never comes back for the numbers it did move: say where they went
      // now (a retried one reports them with the rest).
      if (movedNow.length > 0 && permanentFailureOf(error))
        await record(movedNow, `${job.job_id}#numbers_handed_off#${movedNow[0]}`);
      throw error;
    }
    // The numbers the leaver had when resolved: those an interrupted attempt moved are gone from
    // the user now, and are reported with the rest.
    const moved = [...new Set([...(progress.numbers ?? []), ...movedNow])];
    if (moved.length === 0) return { status: "skipped", detail: "the user holds no number" };
    await record(moved, `${job.job_id}#numbers_handed_off`);
    return { status: "succeeded", detail: whereNumbersWent(moved, handoff) };
  },
});

/**
 * The offboard stops without its suspension standing (Dialpad refused it, or someone reactivated
 * the user): the suspension marker goes, so a later suspension by hand is not taken for this offboard's, and
 * the history says why. The request itself stays on the history (no self-approval either way).
 */
async function recordOffboardStopped(job: OffboardJob, deps: StepDeps, reason: string) {
  const email = job.email ?? "";
  const person = await deps.people.get(email);
  if (!person) return;
  const at = deps.clock.now().toISOString();
  await deps.people.apply(email, {
    set: { updated_at: at },
    // Refused: the marker is this offboard's. Reactivated by hand: whoever's it is, the suspension it names is over.
    remove: ["suspended_by"],
    history: { at, action: "offboard_stopped", ...byWorkerFor(job), detail: `${reason}.` },
    historyId: `${job.job_id}#offboard_stopped`,
  });
}

const recordRetention = step({
  name: "record_retention",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const now = deps.clock.now();
    const retentionDays = job.request.retention_days ?? deps.settings.retentionDays;
    const email = job.email ?? "";
    const retention = offboardRetention(
      await deps.people.get(email),
      { retentionDays, dialpadStateAtStart: progress.initial_state },
      job.authority,
      now,
    );
    await deps.people.apply(email, {
      set: { ...retention.set, user_id: progress.user_id, updated_at: now.toISOString() },
      remove: retention.remove,
      history: {
        at: now.toISOString(),
        action: "offboarded",
        ...byWorkerFor(job),
        detail: `suspended; ${retention.detail}`,
      },
      historyId: `${job.job_id}#offboarded`,
    });
    return {
      status: "succeeded",
      detail: retention.detail,
      produces: { delete_after: retention.set.delete_after },
    };
  },
});

const OFFBOARD_STEPS: readonly Step<OffboardJob>[] = [
  resolveUser,
  suspendUser,
  removeFromCallCenters,
  handOffNumbersStep,
  recordRetention,
];

/** The email (our per-person key) of an offboard asked by user id, when we know that user. */
async function knownEmail(request: OffboardRequest, people: PersonReads): Promise<string | undefined> {
  if (request.email) return request.email;
  return request.user_id ? (await people.findByUserId(request.user_id))?.email : undefined;
}

/** An offboard asked by user id learns the email (our lease key) from Dialpad first. */
async function learnEmail(
  job: OffboardJob,
  dialpad: DialpadApi,
  jobs: Pick<JobRuns, "setIdentity">,
): Promise<string> {
  const user = await resolveOffboardUser(dialpad, job.request);
  const email = user.emails?.[0]?.toLowerCase();
  if (!email)
    throw new JobFailure(
      "user_not_found",
      `Dialpad user ${user.id} has no email (${JOB_ERROR_CODES.user_not_found})`,
    );
  await jobs.setIdentity(job.job_id, { email, user_id: user.id });
  return email;
}

/** An offboard supersedes the person's onboarding while that is still waiting in the queue. */
async function cancelQueuedOnboard(email: string, offboard: OffboardJob, deps: IntakeHookDeps) {
  const onboardJobId = await deps.people.openOnboardJob(email);
  if (!onboardJobId || onboardJobId === offboard.job_id) return;
  await deps.jobs.cancelIfQueued(
    onboardJobId,
    deps.clock.now().toISOString(),
    `Superseded by offboard job ${offboard.job_id} before it started.`,
  );
}

/**
 * The offboard's client goes on the person's history at once, before the job runs: whatever becomes
 * of the job, that client may not approve the deletion of this suspension (lifecycle policy).
 */
async function recordOffboardRequested(
  email: string,
  job: OffboardJob,
  people: PersonReads & PersonWrites,
): Promise<void> {
  // No record of the person yet: nothing to approve until the job itself records one.
  if (!(await people.get(email))) return;
  await people.apply(email, {
    set: { updated_at: job.created_at },
    history: {
      at: job.created_at,
      action: "offboard_requested",
      source: "api",
      job_id: job.job_id,
      client: job.client,
      ...(job.ticket ? { ticket: job.ticket } : {}),
      detail: `offboard requested (job ${job.job_id})`,
    },
    historyId: `${job.job_id}#offboard_requested`,
  });
}

/** Offboarding is urgent: a leaver never waits behind a bulk onboarding backlog. */
export const offboardKind = defineJobKind({
  kind: "offboard",
  lane: "urgent",
  removesPeople: true,
  progress: offboardProgress,
  steps: OFFBOARD_STEPS,
  requestSchema: offboardRequest,
  adminAsk: (request, settings) => requestNeedsAdmin(request, settings.retentionDays),
  // The mass-change guard: a client's offboards beyond its limit within 15 minutes wait for an approval.
  hold: (_request, { caller, key }, deps) => guardOffboard(caller, key, deps),
  subject: async (request, deps) => ({
    email: await knownEmail(request, deps.people),
    user_id: request.user_id,
  }),
  // Also when a held offboard is released (job-decisions.ts): only a queued one cancels.
  onAccepted: async (job, deps) => {
    if (!job.email) return;
    await recordOffboardRequested(job.email, job, deps.people);
    if (job.status === "queued") await cancelQueuedOnboard(job.email, job, deps);
  },
  leaseKey: async (job, deps) => job.email ?? (await learnEmail(job, deps.dialpad, deps.jobs)),
  // Again at the start of the run: the onboarding may have been queued after this offboard's intake.
  beforeSteps: (job, email, deps) => cancelQueuedOnboard(email, job, deps),
});
