/**
 * Onboarding, primary course: resolve the office → look the email up in Dialpad → check a seat is
 * free → create the user (or adopt the active one, or reactivate a suspended one: a rehire) →
 * apply profile fields → assign a number → add to call centers → record the person as active.
 * The look-up before any create is what makes a crash between Dialpad's answer and our write
 * harmless: the next attempt finds the user it created and adopts it.
 */
import type { DialpadApi } from "../dialpad/api";
import { isDialpadError } from "../dialpad/errors";
import type { DialpadUser, UpdateUserRequest } from "../dialpad/schemas";
import { seatLineOf } from "../dialpad/seat-lines";
import { requireAuthorityOver, requireAuthorityToSetAdminRights } from "./authority";
import { JobFailure } from "./failures";
import { defineJobKind } from "./job-kind";
import { requestNeedsAdmin, SUSPENSION_FIELDS } from "./lifecycle-policy";
import type { JobOf, OnboardRequest } from "./model";
import { type OnboardProgress, onboardProgress } from "./progress";
import { onboardRequest } from "./requests";
import { takeSeat, usingSeat } from "./seat-check";
import { byWorkerFor, defineStep, type Step } from "./steps";
import { assignNumberOnce, joinCallCenter } from "./telephony";

declare module "./model" {
  interface JobKindShapes {
    onboard: { request: OnboardRequest; progress: OnboardProgress };
  }
}

type OnboardJob = JobOf<"onboard">;
const step = defineStep<OnboardJob>();

/** A user that still exists and owns the email (deleted accounts keep no email in Dialpad). */
async function findLiveUser(ctx: {
  job: OnboardJob;
  deps: { dialpad: DialpadApi };
}): Promise<DialpadUser | undefined> {
  const users = await ctx.deps.dialpad.findUsersByEmail(ctx.job.request.email);
  return users.find((user) => user.state !== "deleted");
}

/**
 * Whether this job may take over an existing account: a suspended one only as a rehire, and an
 * admin's only with `admin` authority (adopting applies names, licence and office to it).
 */
function requireAdoptable(user: DialpadUser, job: OnboardJob): void {
  if (user.state === "suspended" && job.request.rehire !== true)
    throw new JobFailure(
      "rehire_required",
      `A suspended Dialpad user (${user.id}) holds this email: send rehire: true if this is the same person coming back.`,
    );
  requireAuthorityOver(user, job, user.state === "suspended" ? "reactivate" : "adopt");
}

const resolveOffice = step({
  name: "resolve_office",
  async run({ job, deps }) {
    const { office_id, office_name } = job.request;
    if (office_id) return { status: "succeeded", detail: `office ${office_id}`, produces: { office_id } };
    const office = office_name ? await deps.offices.findByName(office_name) : undefined;
    if (!office) throw new JobFailure("office_not_found", `No Dialpad office is named "${office_name}".`);
    return {
      status: "succeeded",
      detail: `office "${office_name}" is ${office.id}`,
      produces: { office_id: office.id },
    };
  },
});

const findExisting = step({
  name: "find_existing_user",
  async run(ctx) {
    // Admin rights are refused at the API without `admin`; the worker holds the same line.
    requireAuthorityToSetAdminRights(ctx.job.request.admin_type, ctx.job, "grant");
    const user = await findLiveUser(ctx);
    if (!user) return { status: "succeeded", detail: "no Dialpad user has this email" };
    if (user.state !== "active" && user.state !== "suspended")
      throw new JobFailure("email_in_use", `The email belongs to a Dialpad user in state "${user.state}".`);
    requireAdoptable(user, ctx.job);
    return {
      status: "succeeded",
      detail: `found ${user.state} user ${user.id}`,
      produces: { existing_user_id: user.id, existing_state: user.state },
    };
  },
});

const checkSeats = step({
  name: "check_seats",
  reads: ["office_id"],
  async run({ job, progress, deps }) {
    if (progress.existing_state === "active")
      return { status: "skipped", detail: "adopting an active user takes no new seat" };
    // From the office's shared reading; Dialpad is asked only when it is stale or says none.
    const { line, left } = await takeSeat(deps, progress.office_id, job.request.license);
    return {
      status: "succeeded",
      detail: `${left} ${line} left`,
      produces: { seats_left: left, seat_line: line },
    };
  },
});

const createUser = step({
  name: "create_user",
  reads: ["office_id"],
  async run(ctx) {
    const { job, progress, resumed, deps } = ctx;
    // After an interrupted attempt Dialpad may already hold the user: look again before creating.
    const existing = resumed ? await findLiveUser(ctx) : undefined;
    if (existing && existing.id !== progress.existing_user_id) requireAdoptable(existing, job);
    const existingId = existing?.id ?? progress.existing_user_id;
    const existingState = existing?.state ?? progress.existing_state;
    if (existingId && existingState === "active")
      return {
        status: "succeeded",
        detail: `adopted active user ${existingId}`,
        produces: { user_id: existingId, outcome: "adopted" },
      };
    if (existingId && existingState === "suspended") {
      await deps.dialpad.updateUser(existingId, { state: "active" });
      return {
        status: "succeeded",
        detail: `reactivated suspended user ${existingId} (rehire)`,
        produces: { user_id: existingId, outcome: "reactivated" },
      };
    }
    try {
      // Dialpad's refusal for want of seats drops the office's reading (the error stands).
      const user = await usingSeat(deps, progress.office_id, () =>
        deps.dialpad.createUser({
          email: job.request.email,
          office_id: progress.office_id,
          first_name: job.request.first_name,
          last_name: job.request.last_name,
          license: job.request.license,
          auto_assign: false,
        }),
      );
      return {
        status: "succeeded",
        detail: `created user ${user.id}`,
        produces: { user_id: user.id, outcome: "created" },
      };
    } catch (error) {
      // 409 is the duplicate we expect, but Dialpad documents neither it nor its wording of a
      // refusal: an unrecognised 400 may be a duplicate or a want of seats too. Look before deciding.
      const unrecognised = isDialpadError(error, "rejected") && error.status === 400;
      if (!isDialpadError(error, "conflict") && !unrecognised) throw error;
      // Someone (or an earlier attempt) created it meanwhile: adopt it if it is live.
      const raced = await findLiveUser(ctx);
      if (raced?.state === "active") {
        requireAdoptable(raced, job);
        return {
          status: "succeeded",
          detail: `adopted active user ${raced.id}`,
          produces: { user_id: raced.id, outcome: "adopted" },
        };
      }
      if (raced || !unrecognised)
        throw new JobFailure("email_in_use", "Dialpad refused the email as already in use.");
      await refuseIfNoSeats(deps, progress.office_id, job.request.license);
      throw error;
    }
  },
});

/**
 * After a create refused in words we do not recognise: read the office's seats from Dialpad
 * itself and fail `no_seats` when the licence's line has none left (else the refusal stands).
 */
async function refuseIfNoSeats(
  deps: { dialpad: DialpadApi; seats: { forget(officeId: string): Promise<void> } },
  officeId: string,
  license: OnboardJob["request"]["license"],
): Promise<void> {
  const line = seatLineOf(license);
  const left = (await deps.dialpad.getAvailableLicenses(officeId))[line] ?? 0;
  if (left > 0) return;
  await deps.seats.forget(officeId);
  throw new JobFailure("no_seats", `Office ${officeId} has no ${line} left for licence "${license}".`);
}

const applyProfile = step({
  name: "apply_profile",
  reads: ["office_id", "user_id", "outcome"],
  async run({ job, progress, deps }) {
    const request = job.request;
    const patch: UpdateUserRequest = {};
    if (request.extension) patch.extension = request.extension;
    if (request.admin_type === "office") patch.admin_office_ids = [progress.office_id];
    if (request.admin_type === "company") patch.is_super_admin = true;
    if (progress.outcome !== "created") {
      // An adopted or rehired user may carry an old name, licence or office.
      patch.first_name = request.first_name;
      patch.last_name = request.last_name;
      patch.license = request.license;
      patch.office_id = progress.office_id;
    }
    const notSettable = [request.timezone && "timezone", request.language && "language"].filter(Boolean);
    const note = notSettable.length
      ? `; ${notSettable.join(" and ")} kept for the record (Dialpad's update API has no such field)`
      : "";
    if (Object.keys(patch).length === 0) return { status: "skipped", detail: `nothing to apply${note}` };
    await deps.dialpad.updateUser(progress.user_id, patch);
    return { status: "succeeded", detail: `set ${Object.keys(patch).join(", ")}${note}` };
  },
});

const assignNumber = step({
  name: "assign_number",
  reads: ["user_id", "outcome"],
  async run({ job, progress, resumed, deps }) {
    const { phone_number, area_code } = job.request;
    if (!phone_number && !area_code) return { status: "skipped", detail: "no number requested" };
    const assigned = await assignNumberOnce(
      deps.dialpad,
      progress.user_id,
      { ...(phone_number ? { phone_number } : {}), ...(area_code ? { area_code } : {}) },
      // An adopted or rehired user may hold the number already.
      resumed || progress.outcome !== "created",
    );
    return {
      status: "succeeded",
      detail: assigned.detail,
      ...(assigned.number ? { produces: { phone_number: assigned.number } } : {}),
    };
  },
});

const addToCallCenters = step({
  name: "add_to_call_centers",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const ids = job.request.call_center_ids;
    if (ids.length === 0) return { status: "skipped", detail: "no call centers requested" };
    for (const callCenterId of ids) await joinCallCenter(deps.dialpad, callCenterId, progress.user_id);
    return { status: "succeeded", detail: `operator in ${ids.join(", ")}` };
  },
});

const recordPerson = step({
  name: "record_person",
  reads: ["office_id", "user_id", "outcome"],
  async run({ job, progress, deps }) {
    const at = deps.clock.now().toISOString();
    const { outcome } = progress;
    await deps.people.apply(job.request.email, {
      set: {
        state: "active",
        user_id: progress.user_id,
        office_id: progress.office_id,
        // What SCIM answers as phoneNumbers, from our record rather than a Dialpad read.
        ...(progress.phone_number ? { phone_numbers: [progress.phone_number] } : {}),
        updated_at: at,
      },
      remove: ["deleted_at", ...SUSPENSION_FIELDS],
      history: {
        at,
        action: outcome === "created" ? "onboarded" : outcome === "reactivated" ? "rehired" : "adopted",
        ...byWorkerFor(job),
        detail: `user ${progress.user_id} in office ${progress.office_id}`,
      },
      historyId: `${job.job_id}#onboarded`,
    });
    return { status: "succeeded", detail: "lifecycle record active" };
  },
});

const ONBOARD_STEPS: readonly Step<OnboardJob>[] = [
  resolveOffice,
  findExisting,
  checkSeats,
  createUser,
  applyProfile,
  assignNumber,
  addToCallCenters,
  recordPerson,
];

/** Onboarding is planned work, on the bulk lane; an offboard cancels it while it is still queued. */
export const onboardKind = defineJobKind({
  kind: "onboard",
  lane: "bulk",
  progress: onboardProgress,
  steps: ONBOARD_STEPS,
  requestSchema: onboardRequest,
  adminAsk: (request, settings) => requestNeedsAdmin(request, settings.retentionDays),
  newAddresses: (request) => [["email", request.email]],
  // Remembered so an offboard of the person can cancel it while it waits in the queue.
  onAccepted: async (job, deps) => deps.people.noteOnboardJob(job.request.email, job.job_id),
});
