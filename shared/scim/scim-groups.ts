/**
 * The SCIM Groups service: create, read, list, replace, patch and delete groups, and what a change
 * of membership means in Dialpad (group-rules.ts decides it; this carries it out). Primary course
 * of a change: read the group → the group after the request → check its name is free and its
 * members are known users → plan from the stored office and call-center names → place the people
 * who joined an office group in its office (the Users service: a move, or the onboarding of someone
 * awaiting an office) and make the call-center set of the people who joined or left a call-center
 * group exact (an update job through the HTTP API's intake) → write the group. The job keys name the
 * group's version the change was made on, so a retried request finds the jobs its first attempt
 * started, and a replayed one (nobody joins or leaves) starts none. Nothing here waits for Dialpad.
 */
import { randomUUID } from "node:crypto";
import { ServiceUnavailableError } from "../http/api-error";
import { checkIntakePolicy, type IntakePolicy } from "../lifecycle/intake-policy";
import type { Clock, PersonStore } from "../lifecycle/ports";
import { type SubmitDeps, submitJob } from "../lifecycle/submit-job";
import { conditionMatches, type GroupFilterCondition } from "./filter";
import { applyGroupPatch, type GroupChanges, groupChangesOfBody } from "./group-resource";
import { callCentersOf, type GroupDirectory, planGroupChange } from "./group-rules";
import { ScimError } from "./scim-error";
import { type ScimGroup, ScimGroupChanged, type ScimGroupStore } from "./scim-group-store";

/** The SCIM users a group's members are: the Users service's side of the membership rules. */
export interface GroupMembers {
  /** The person behind a SCIM user id (undefined when SCIM knows no such user). */
  emailOf(scimId: string): Promise<string | undefined>;
  /**
   * Places the person in the office (the latest membership wins over `officeName`): an update job
   * moving an existing user (seats checked by the job), or the onboarding of someone waiting for an
   * office.
   */
  placeInOffice(scimId: string, officeName: string, caller: GroupCaller): Promise<void>;
}

export interface GroupCaller {
  client: string;
  scopes: readonly string[];
  massOffboardLimit?: number | undefined;
}

export interface ScimGroupsDeps {
  groups: ScimGroupStore;
  members: GroupMembers;
  /**
   * The offices and call centers as the worker last stored them; undefined when never read (a
   * refresh is then asked for).
   */
  directory(): Promise<GroupDirectory | undefined>;
  people: PersonStore;
  submit: SubmitDeps;
  clock: Clock;
  settings: IntakePolicy;
  newScimId?: () => string;
}

/** The worker reads the names within seconds of being asked. */
const NAMES_RETRY_AFTER_SECONDS = 10;

const notFound = () => new ScimError(404, undefined, "No such group.");

export async function getGroup(id: string, deps: Pick<ScimGroupsDeps, "groups">): Promise<ScimGroup> {
  const group = await deps.groups.getGroup(id);
  if (!group) throw notFound();
  return group;
}

export async function listGroups(
  query: { conditions: GroupFilterCondition[]; startIndex: number; count: number },
  deps: Pick<ScimGroupsDeps, "groups">,
): Promise<{ total: number; groups: ScimGroup[] }> {
  const [first] = query.conditions;
  if (!first) return deps.groups.listGroups(query.startIndex, query.count);
  const found =
    first.attribute === "id"
      ? await deps.groups.getGroup(first.value)
      : await deps.groups.findGroup(
          first.attribute === "displayName" ? { displayName: first.value } : { externalId: first.value },
        );
  const matching =
    found &&
    query.conditions.every((condition) => conditionMatches(condition, filteredValue(condition, found)))
      ? [found]
      : [];
  return {
    total: matching.length,
    groups: matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count),
  };
}

function filteredValue(condition: GroupFilterCondition, group: ScimGroup): string | undefined {
  switch (condition.attribute) {
    case "id":
      return group.id;
    case "displayName":
      return group.display_name;
    case "externalId":
      return group.external_id;
  }
}

/** POST /Groups (Okta pushes a group with `members: []`, then adds them one PATCH at a time). */
export async function createGroup(
  body: unknown,
  caller: GroupCaller,
  deps: ScimGroupsDeps,
): Promise<ScimGroup> {
  const changes = groupChangesOfBody(body);
  if (changes.display_name === undefined || changes.display_name === null)
    throw new ScimError(400, "invalidValue", "A group needs a displayName.");
  const at = deps.clock.now().toISOString();
  const group: ScimGroup = {
    id: deps.newScimId?.() ?? randomUUID(),
    display_name: changes.display_name,
    ...(typeof changes.external_id === "string" ? { external_id: changes.external_id } : {}),
    members: unique(changes.members ?? []),
    version: 1,
    created_at: at,
    updated_at: at,
  };
  return settle(undefined, group, caller, deps).catch((error: unknown) => {
    throw changedMeanwhile(error);
  });
}

/** PUT /Groups/{id}: an omitted attribute is unchanged, a null one cleared. */
export function replaceGroup(id: string, body: unknown, caller: GroupCaller, deps: ScimGroupsDeps) {
  return reviseGroup(id, (current) => withChanges(current, groupChangesOfBody(body)), caller, deps);
}

/** PATCH /Groups/{id}: the operations applied to the group as we answer it. */
export function patchGroup(id: string, body: unknown, caller: GroupCaller, deps: ScimGroupsDeps) {
  return reviseGroup(id, (current) => withChanges(current, applyGroupPatch(current, body)), caller, deps);
}

/** DELETE /Groups/{id}: the group is gone; nobody is moved, suspended or removed from anything. */
export async function deleteGroup(id: string, deps: Pick<ScimGroupsDeps, "groups">): Promise<void> {
  await deps.groups.deleteGroup(await getGroup(id, deps));
}

async function reviseGroup(
  id: string,
  revise: (current: ScimGroup) => ScimGroup,
  caller: GroupCaller,
  deps: ScimGroupsDeps,
): Promise<ScimGroup> {
  // Two changes of one group at once (an IdP with requests in flight): the one refused re-reads the
  // group and applies its own change again on top, as if sent after the other; effects already
  // submitted are replays (the same office, the same call centers) and change nothing twice.
  for (let attempt = 1; ; attempt++) {
    const current = await getGroup(id, deps);
    const next = revise(current);
    if (unchanged(current, next)) return current; // a replay: nothing to write, no job
    const at = deps.clock.now().toISOString();
    try {
      return await settle(current, { ...next, version: current.version + 1, updated_at: at }, caller, deps);
    } catch (error) {
      if (!(error instanceof ScimGroupChanged) || attempt >= REVISE_ATTEMPTS) throw changedMeanwhile(error);
    }
  }
}

/** How often a change refused because the group changed meanwhile is applied again. */
const REVISE_ATTEMPTS = 3;

const changedMeanwhile = (error: unknown) =>
  error instanceof ScimGroupChanged
    ? new ScimError(409, undefined, "The group changed while this request was handled; read it again.")
    : error;

function withChanges(current: ScimGroup, changes: GroupChanges): ScimGroup {
  if (changes.display_name === null)
    throw new ScimError(400, "invalidValue", "A group's displayName cannot be cleared.");
  const next: ScimGroup = {
    ...current,
    ...(changes.display_name !== undefined ? { display_name: changes.display_name } : {}),
    ...(changes.members !== undefined ? { members: unique(changes.members ?? []) } : {}),
  };
  if (changes.external_id === null) delete next.external_id;
  else if (changes.external_id !== undefined) next.external_id = changes.external_id;
  return next;
}

/** Checks, effects, then the write; on a change made meanwhile the store refuses the write. */
async function settle(
  before: ScimGroup | undefined,
  after: ScimGroup,
  caller: GroupCaller,
  deps: ScimGroupsDeps,
): Promise<ScimGroup> {
  await checkName(before, after, deps);
  const emails = await emailsOf(
    after.members.filter((id) => !before?.members.includes(id)),
    deps,
  );
  const plan = await planned(before, after, deps);
  for (const { memberId, office } of plan.officePlacements)
    await deps.members.placeInOffice(memberId, office.name, caller);
  if (plan.callCenterMembers.length > 0) {
    const directory = (await deps.directory()) as GroupDirectory;
    for (const memberId of plan.callCenterMembers)
      await setCallCenters(memberId, after, directory, caller, deps, emails);
  }
  for (const note of plan.sharedNameNotes) await noteSharedName(note, after, caller, deps);
  await deps.groups.saveGroup(after, before?.version ?? null);
  return after;
}

async function checkName(before: ScimGroup | undefined, after: ScimGroup, deps: ScimGroupsDeps) {
  if (after.display_name.trim() === "")
    throw new ScimError(400, "invalidValue", "A group needs a displayName.");
  if (before && before.display_name.toLowerCase() === after.display_name.toLowerCase()) return;
  const other = await deps.groups.findGroup({ displayName: after.display_name });
  if (other && other.id !== after.id)
    throw new ScimError(409, "uniqueness", `A group named "${after.display_name}" exists already.`);
}

/** The people who joined, each a SCIM user we know: an unknown id is the IdP's 400, nothing written. */
async function emailsOf(joined: readonly string[], deps: ScimGroupsDeps): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (const id of joined) {
    const email = await deps.members.emailOf(id);
    if (!email) throw new ScimError(400, "invalidValue", `No user has the id "${id}": provision it first.`);
    emails.set(id, email);
  }
  return emails;
}

/**
 * The plan, once the membership changed; a membership change before the worker ever stored the
 * office and call-center names answers 503 (the IdP retries) rather than lose its effect.
 */
async function planned(before: ScimGroup | undefined, after: ScimGroup, deps: ScimGroupsDeps) {
  const same =
    before !== undefined &&
    before.members.length === after.members.length &&
    before.members.every((id) => after.members.includes(id));
  const empty = { officePlacements: [], callCenterMembers: [], sharedNameNotes: [] };
  if (same || (before === undefined && after.members.length === 0)) return empty;
  const directory = await deps.directory();
  if (!directory)
    throw new ServiceUnavailableError(
      NAMES_RETRY_AFTER_SECONDS,
      "The office and call-center names are being read from Dialpad; retry shortly.",
    );
  return planGroupChange(before, after, directory);
}

/** An update job making the person's call centers those of their call-center groups (active people only). */
async function setCallCenters(
  memberId: string,
  after: ScimGroup,
  directory: GroupDirectory,
  caller: GroupCaller,
  deps: ScimGroupsDeps,
  known: Map<string, string>,
) {
  const email = known.get(memberId) ?? (await deps.members.emailOf(memberId));
  const person = email === undefined ? undefined : await deps.people.get(email);
  if (person?.state !== "active") return; // not in Dialpad: nothing to change there
  const others = (await deps.groups.groupsOf(memberId)).filter((group) => group.id !== after.id);
  const groups = after.members.includes(memberId) ? [...others, after] : others;
  const submission = {
    kind: "update" as const,
    request: {
      email: person.email,
      call_center_ids: callCentersOf(groups, directory),
      ticket: { system: "scim", id: after.id },
    },
  };
  checkIntakePolicy(submission, deps.settings, deps.submit.kinds);
  await submitJob(
    submission,
    {
      client: caller.client,
      scopes: caller.scopes,
      massOffboardLimit: caller.massOffboardLimit,
      idempotencyKey: `scimgroup#${after.id}#v${after.version}#${memberId}`,
    },
    deps.submit,
  );
}

/** A name two call centers share has no effect: the person's history says why. */
async function noteSharedName(
  note: { memberId: string; callCenterIds: string[] },
  group: ScimGroup,
  caller: GroupCaller,
  deps: ScimGroupsDeps,
) {
  const email = await deps.members.emailOf(note.memberId);
  const person = email === undefined ? undefined : await deps.people.get(email);
  if (!person) return;
  const at = deps.clock.now().toISOString();
  await deps.people.apply(person.email, {
    set: { updated_at: at },
    history: {
      at,
      action: "scim_group_ignored",
      source: "api",
      client: caller.client,
      detail: `SCIM group "${group.display_name}" names ${note.callCenterIds.length} call centers (${note.callCenterIds.join(", ")}): no call-center change`,
    },
    historyId: `scimgroup#${group.id}#v${group.version}#${note.memberId}`,
  });
}

const unchanged = (a: ScimGroup, b: ScimGroup) =>
  a.display_name === b.display_name &&
  a.external_id === b.external_id &&
  a.members.length === b.members.length &&
  a.members.every((id, i) => b.members[i] === id);

const unique = (ids: readonly string[]) => [...new Set(ids)];
