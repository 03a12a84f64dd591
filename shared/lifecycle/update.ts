/**
 * Updating a person (a "mover"), primary course: resolve the active Dialpad user → check every
 * target before changing anything (office, seats on the target line, call centers, new email) →
 * move office → apply the profile fields given → assign a number by area code → make the
 * call-center set exact → record the change → on an email change, move the record and its history
 * to the new email (the old email then answers 404; the history says where it went).
 * Only the fields given change. Every Dialpad step re-reads before acting when it is resumed, so a
 * crash between Dialpad's answer and our record never applies a change twice.
 */

import { isDialpadError } from "../dialpad/errors";
import { license as licenseSchema, type UpdateUserRequest } from "../dialpad/schemas";
import { RecordExists } from "../errors/domain-errors";
import { requireAuthorityOver, requireAuthorityToSetAdminRights } from "./authority";
import { JobFailure } from "./failures";
import { defineJobKind } from "./job-kind";
import { requestNeedsAdmin } from "./lifecycle-policy";
import type { JobOf, UpdateRequest } from "./model";
import { type UpdateProgress, updateProgress } from "./progress";
import { updateRequest } from "./requests";
import { takeSeat, usingSeat } from "./seat-check";
import { byWorkerFor, defineStep, type Step } from "./steps";
import { assignNumberOnce, callCenterIdsOf, hasAreaCode, joinCallCenter, leaveCallCenter } from "./telephony";

declare module "./model" {
  interface JobKindShapes {
    update: { request: UpdateRequest; progress: UpdateProgress };
  }
}

type UpdateJob = JobOf<"update">;
const step = defineStep<UpdateJob>();

const resolveUser = step({
  name: "resolve_user",
  async run({ job, deps }) {
    const email = job.request.email;
    // Our record names the user when we have one; else the active user owning the email.
    const recorded = (await deps.people.get(email))?.user_id;
    let user = recorded ? await deps.dialpad.getUser(recorded).catch(notFoundAsUndefined) : undefined;
    user ??= (await deps.dialpad.findUsersByEmail(email, "active"))[0];
    if (!user) throw new JobFailure("user_not_found", "No Dialpad user has this email.");
    if (user.state !== "active")
      throw new JobFailure(
        "user_not_found",
        `Dialpad user ${user.id} is ${user.state}: only active people are updated.`,
      );
    // Changing an admin, or anyone's admin rights (revoking too), needs the `admin` scope.
    requireAuthorityOver(user, job, "update");
    requireAuthorityToSetAdminRights(job.request.admin_type, job, "change");
    return {
      status: "succeeded",
      detail: `user ${user.id} in office ${user.office_id ?? "unknown"}`,
      produces: {
        user_id: user.id,
        ...(user.office_id ? { office_id: user.office_id } : {}),
        ...(user.license ? { license: user.license } : {}),
        numbers: user.phone_numbers ?? [],
        call_center_ids: callCenterIdsOf(user),
      },
    };
  },
});

const notFoundAsUndefined = (error: unknown) => {
  if (isDialpadError(error, "not_found")) return undefined;
  throw error;
};

/** Everything that can fail is checked here, before the first change (`no_seats`: nothing changed). */
const checkTargets = step({
  name: "check_targets",
  reads: ["user_id", "call_center_ids"],
  async run({ job, progress, deps }) {
    const request = job.request;
    const checked: string[] = [];
    let targetOfficeId: string | undefined;
    if (request.office_id || request.office_name) {
      const office = request.office_id
        ? await deps.dialpad.getOffice(request.office_id).catch(notFoundAsUndefined)
        : await deps.offices.findByName(request.office_name ?? "");
      if (!office)
        throw new JobFailure(
          "office_not_found",
          request.office_id
            ? `No Dialpad office has id ${request.office_id}.`
            : `No Dialpad office is named "${request.office_name}".`,
        );
      if (office.id !== progress.office_id) targetOfficeId = office.id;
      checked.push(targetOfficeId ? `office ${office.id}` : `already in office ${office.id}`);
    }
    const licenseChanges = request.license !== undefined && request.license !== progress.license;
    const officeId = targetOfficeId ?? progress.office_id;
    if ((targetOfficeId || licenseChanges) && officeId) {
      const license = request.license ?? licenseSchema.safeParse(progress.license).data ?? "talk";
      // The move or licence change uses a seat of the target line: taken from the shared reading.
      const { line, left } = await takeSeat(deps, officeId, license);
      checked.push(`${left} ${line} left`);
    }
    for (const callCenterId of request.call_center_ids ?? []) {
      if (progress.call_center_ids.includes(callCenterId)) continue;
      await deps.dialpad.getCallCenter(callCenterId).catch((error: unknown) => {
        if (isDialpadError(error, "not_found"))
          throw new JobFailure("call_center_not_found", `Call center ${callCenterId} does not exist.`);
        throw error;
      });
    }
    if (request.new_email) {
      const owners = await deps.dialpad.findUsersByEmail(request.new_email);
      const other = owners.find((user) => user.id !== progress.user_id);
      if (other || (await deps.people.get(request.new_email)))
        throw new JobFailure(
          "email_in_use",
          `The new email already belongs to ${other ? `Dialpad user ${other.id}` : "another person we know"}.`,
        );
      checked.push("new email free");
    }
    return {
      status: "succeeded",
      detail: checked.length > 0 ? checked.join("; ") : "nothing to check",
      produces: targetOfficeId ? { target_office_id: targetOfficeId } : {},
    };
  },
});

const moveOffice = step({
  name: "move_office",
  reads: ["user_id", "numbers"],
  async run({ progress, resumed, deps }) {
    const target = progress.target_office_id;
    if (!target) return { status: "skipped", detail: "no office move" };
    const from = progress.office_id
      ? await deps.dialpad.getOffice(progress.office_id).catch(notFoundAsUndefined)
      : undefined;
    const to = await deps.dialpad.getOffice(target);
    const alreadyThere = resumed && (await deps.dialpad.getUser(progress.user_id)).office_id === target;
    if (!alreadyThere) await usingSeat(deps, target, () => deps.dialpad.moveOffice(progress.user_id, target));
    const crossesCountries =
      from?.country !== undefined && to.country !== undefined && from.country !== to.country;
    const numbersLost =
      crossesCountries && progress.numbers.length > 0
        ? `; the move from ${from?.country} to ${to.country} took the user's numbers (${progress.numbers.join(", ")}), as Dialpad does between countries`
        : "";
    return {
      status: "succeeded",
      detail: `moved from office ${progress.office_id ?? "unknown"} to ${target}${numbersLost}`,
      produces: { countries_changed: crossesCountries },
    };
  },
});

const applyProfile = step({
  name: "apply_profile",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const request = job.request;
    const patch: UpdateUserRequest = {};
    if (request.first_name !== undefined) patch.first_name = request.first_name;
    if (request.last_name !== undefined) patch.last_name = request.last_name;
    if (request.license !== undefined) patch.license = request.license;
    if (request.extension !== undefined) patch.extension = request.extension;
    if (request.new_email !== undefined) patch.emails = [request.new_email];
    const officeId = progress.target_office_id ?? progress.office_id;
    if (request.admin_type === "none") {
      patch.admin_office_ids = [];
      patch.is_super_admin = false;
    }
    if (request.admin_type === "office" && officeId) patch.admin_office_ids = [officeId];
    if (request.admin_type === "company") patch.is_super_admin = true;
    if (Object.keys(patch).length === 0) return { status: "skipped", detail: "no profile field to change" };
    // PATCH is safe to repeat: a resumed attempt sets the same values again.
    await usingSeat(deps, patch.license ? officeId : undefined, () =>
      deps.dialpad.updateUser(progress.user_id, patch),
    );
    return { status: "succeeded", detail: `set ${Object.keys(patch).join(", ")}` };
  },
});

const assignNumber = step({
  name: "assign_number",
  reads: ["user_id", "numbers"],
  async run({ job, progress, resumed, deps }) {
    const areaCode = job.request.area_code;
    if (!areaCode)
      return {
        status: "skipped",
        detail: progress.countries_changed
          ? "no area_code given: the user has no number after the move"
          : "no number requested",
      };
    if (resumed || progress.countries_changed) {
      // A number of that area code the user did not have before this job: assigned by an
      // interrupted attempt, or by Dialpad itself on a move between countries.
      const now = (await deps.dialpad.getUser(progress.user_id)).phone_numbers ?? [];
      const fresh = now.find((number) => !progress.numbers.includes(number) && hasAreaCode(number, areaCode));
      if (fresh)
        return { status: "succeeded", detail: `already has ${fresh}`, produces: { phone_number: fresh } };
    }
    const assigned = await assignNumberOnce(deps.dialpad, progress.user_id, { area_code: areaCode }, false);
    return {
      status: "succeeded",
      detail: assigned.detail,
      ...(assigned.number ? { produces: { phone_number: assigned.number } } : {}),
    };
  },
});

const setCallCenters = step({
  name: "set_call_centers",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const wanted = job.request.call_center_ids;
    if (!wanted) return { status: "skipped", detail: "call centers unchanged" };
    // Read again: an interrupted attempt may have done part of the work.
    const current = callCenterIdsOf(await deps.dialpad.getUser(progress.user_id));
    const added = wanted.filter((id) => !current.includes(id));
    const removed = current.filter((id) => !wanted.includes(id));
    for (const id of added) await joinCallCenter(deps.dialpad, id, progress.user_id);
    for (const id of removed) await leaveCallCenter(deps.dialpad, id, progress.user_id);
    if (added.length === 0 && removed.length === 0)
      return { status: "skipped", detail: `already in exactly ${wanted.join(", ") || "no call center"}` };
    return {
      status: "succeeded",
      detail: [
        added.length ? `added to ${added.join(", ")}` : "",
        removed.length ? `removed from ${removed.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
    };
  },
});

const recordUpdate = step({
  name: "record_update",
  reads: ["user_id"],
  async run({ job, progress, deps }) {
    const at = deps.clock.now().toISOString();
    const request = job.request;
    const officeId = progress.target_office_id ?? progress.office_id;
    const changed = (Object.keys(request) as (keyof typeof request)[]).filter(
      (field) => field !== "email" && field !== "ticket",
    );
    const by = byWorkerFor(job);
    await deps.people.apply(request.email, {
      set: {
        state: "active",
        user_id: progress.user_id,
        ...(officeId ? { office_id: officeId } : {}),
        updated_at: at,
      },
      history: {
        at,
        action: "updated",
        ...by,
        detail: `changed ${changed.join(", ")}${progress.target_office_id ? `; office ${progress.office_id ?? "unknown"} → ${progress.target_office_id}` : ""}`,
      },
      historyId: `${job.job_id}#updated`,
    });
    return { status: "succeeded", detail: "lifecycle record updated" };
  },
});

/**
 * Moves the record and its history to the new email. Its own step, so a resumed attempt only
 * repeats the (idempotent) move and never writes to the old email again.
 */
const rekeyRecord = step({
  name: "rekey_record",
  async run({ job, deps }) {
    const request = job.request;
    if (!request.new_email) return { status: "skipped", detail: "email unchanged" };
    const at = deps.clock.now().toISOString();
    const by = byWorkerFor(job);
    try {
      await deps.people.rekey(request.email, request.new_email, {
        set: { updated_at: at },
        history: { at, action: "email_changed", ...by, detail: `${request.email} → ${request.new_email}` },
        historyId: `${job.job_id}#email_changed`,
      });
    } catch (error) {
      if (error instanceof RecordExists)
        throw new JobFailure(
          "email_in_use",
          "A lifecycle record of the new email appeared while the job ran.",
        );
      throw error;
    }
    return { status: "succeeded", detail: `lifecycle record updated and moved to ${request.new_email}` };
  },
});

const UPDATE_STEPS: readonly Step<UpdateJob>[] = [
  resolveUser,
  checkTargets,
  moveOffice,
  applyProfile,
  assignNumber,
  setCallCenters,
  recordUpdate,
  rekeyRecord,
];

/** A mover is planned work, like onboarding: it may not delay a leaver. */
export const updateKind = defineJobKind({
  kind: "update",
  lane: "bulk",
  progress: updateProgress,
  steps: UPDATE_STEPS,
  requestSchema: updateRequest,
  // Any admin_type in an update changes admin rights, revoking with "none" too.
  adminAsk: (request, settings) => requestNeedsAdmin(request, settings.retentionDays, { revokingToo: true }),
  newAddresses: (request) => (request.new_email ? [["new_email", request.new_email]] : []),
});
