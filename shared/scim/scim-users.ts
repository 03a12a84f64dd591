/**
 * The SCIM Users service: create, replace, patch, delete, read and list users, and the lifecycle
 * effects each change has, decided here and carried out as jobs through the same intake and policy
 * as the HTTP API (submit-job.ts: request keys, the mass-change guard, the intake policy).
 *
 * Primary course of a change: read the SCIM item and the person's record → the attributes after
 * the request → compare what SCIM answered before (active, office, names...) with what is asked →
 * submit the jobs that makes true (onboard, update, offboard; never a deletion) → write the SCIM
 * item and the record's change together. Each job's request key is derived from the item (our id
 * and a counter or the version the change was made on), so a retried request finds the job its
 * first attempt started, and a replayed one (nothing differs) starts none.
 */
import { randomUUID } from "node:crypto";
import { StateConflict } from "../errors/domain-errors";
import { checkIntakePolicy, type IntakePolicy } from "../lifecycle/intake-policy";
import { cancelJob } from "../lifecycle/job-decisions";
import type { Job, NumberHandoff, OnboardRequest, Person, ScimUser, UpdateRequest } from "../lifecycle/model";
import type { Clock, PersonChange, PersonStore } from "../lifecycle/ports";
import { type Submission, type SubmitDeps, submitJob } from "../lifecycle/submit-job";
import { normalisePatch, normaliseResource } from "./dialect";
import { conditionMatches, parseUserFilter, type UserFilterCondition } from "./filter";
import { applyPatch } from "./patch";
import { ScimError } from "./scim-error";
import type { ScimUserStore } from "./scim-user-store";
import {
  answeredActive,
  applyChanges,
  attributesOf,
  everyAttribute,
  personEmailOf,
  type UserAttributes,
  userChangesOf,
  userResource,
} from "./user-resource";

export interface ScimUsersDeps {
  users: ScimUserStore;
  people: PersonStore;
  /** The HTTP API's intake: jobs, request keys, the queue, the mass-change guard. */
  submit: SubmitDeps;
  clock: Clock;
  newScimId?: () => string;
  settings: IntakePolicy & {
    /** SCIM_DEFAULT_OFFICE: the office (name or id) of people no office group or officeName places. */
    defaultOffice?: string | undefined;
  };
}

/** The identity provider's client, as the guard and the jobs record it. */
export interface ScimCaller {
  client: string;
  scopes: readonly string[];
  massOffboardLimit?: number | undefined;
}

/** A user as the routes answer it: the SCIM item and the person's record (absent before any). */
export interface ScimUserView {
  user: ScimUser;
  person: Person | undefined;
}

const notFound = () => new ScimError(404, undefined, "No such user.");
const uniqueness = (detail: string) => new ScimError(409, "uniqueness", detail);

/** People onboarded or being onboarded in Dialpad: what a deactivation offboards. */
const IN_DIALPAD: ReadonlySet<string> = new Set(["onboarding", "active"]);

export async function getUser(id: string, deps: ScimUsersDeps): Promise<ScimUserView> {
  const user = await deps.users.findScimUser({ id });
  if (!user) throw notFound();
  return { user, person: await deps.people.get(user.email) };
}

export interface UserListQuery {
  filter?: string | undefined;
  startIndex: number;
  count: number;
}

export async function listUsers(
  query: UserListQuery,
  deps: ScimUsersDeps,
): Promise<{ total: number; views: ScimUserView[] }> {
  let total: number;
  let users: ScimUser[];
  if (query.filter !== undefined && query.filter.trim() !== "") {
    const matching = await filtered(parseUserFilter(query.filter), deps);
    total = matching.length;
    users = matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  } else {
    ({ total, users } = await deps.users.listScimUsers(query.startIndex, query.count));
  }
  const people = await deps.users.getMany(users.map((user) => user.email));
  return { total, views: users.map((user) => ({ user, person: people.get(user.email) })) };
}

/** The one user (or none) the conditions name: the first one's lookup, checked against the rest. */
async function filtered(conditions: UserFilterCondition[], deps: ScimUsersDeps): Promise<ScimUser[]> {
  const [first] = conditions;
  if (!first) return [];
  const found = await lookUp(first, deps);
  return found && conditions.every((condition) => holds(condition, found)) ? [found] : [];
}

async function lookUp(condition: UserFilterCondition, deps: ScimUsersDeps): Promise<ScimUser | undefined> {
  switch (condition.attribute) {
    case "id":
      return deps.users.findScimUser({ id: condition.value });
    case "userName":
      return deps.users.findScimUser({ userName: condition.value });
    case "externalId":
      return deps.users.findScimUser({ externalId: condition.value });
    case "emails.value": {
      const user = await deps.users.scimUserOf(condition.value);
      return user?.deleted_at === undefined ? user : undefined;
    }
  }
}

function holds(condition: UserFilterCondition, user: ScimUser): boolean {
  switch (condition.attribute) {
    case "id":
      return conditionMatches(condition, user.id);
    case "userName":
      return conditionMatches(condition, user.user_name);
    case "externalId":
      return conditionMatches(condition, user.external_id);
    case "emails.value":
      return [user.email, ...(user.emails ?? []).map((email) => email.value)].some((value) =>
        conditionMatches(condition, value),
      );
  }
}

/**
 * POST /Users. A person we already track answers 409 `uniqueness` (the IdP then finds them by
 * filter), except one SCIM deleted whose record is still in retention: the POST brings them back.
 */
export async function createUser(
  body: unknown,
  caller: ScimCaller,
  deps: ScimUsersDeps,
): Promise<ScimUserView> {
  const attributes = applyChanges(undefined, userChangesOf(normaliseResource(body, "User")));
  const email = personEmailOf(attributes);
  if (await deps.users.findScimUser({ userName: attributes.user_name }))
    throw uniqueness(`A user with userName "${attributes.user_name}" exists already.`);
  const [existing, person] = await Promise.all([deps.users.scimUserOf(email), deps.people.get(email)]);
  if (existing && existing.deleted_at === undefined)
    throw uniqueness("A user with this email exists already.");
  const revived = existing?.deleted_at !== undefined && person !== undefined && person.state !== "deleted";
  if (person && person.state !== "deleted" && !revived)
    throw uniqueness(
      "This person is tracked already (onboarded through the API or imported): find them by filter.",
    );
  return settle(
    {
      current: existing,
      ...(revived ? {} : { fresh: true }),
      person,
      attributes,
      action: revived ? "scim_recreated" : "scim_created",
    },
    caller,
    deps,
  );
}

/** PUT /Users/{id}: an omitted attribute is unchanged, a null one cleared. */
export async function replaceUser(
  id: string,
  body: unknown,
  caller: ScimCaller,
  deps: ScimUsersDeps,
): Promise<ScimUserView> {
  const changes = userChangesOf(normaliseResource(body, "User"));
  return reviseUser(id, (current) => applyChanges(current, changes), caller, deps);
}

/**
 * A change of a user by a function of its attributes (PUT, PATCH, and an office group's member
 * placed in its office), with its effects.
 */
export async function reviseUser(
  id: string,
  revise: (current: UserAttributes, user: ScimUser, person: Person | undefined) => UserAttributes,
  caller: ScimCaller,
  deps: ScimUsersDeps,
  action = "scim_changed",
): Promise<ScimUserView> {
  const current = await deps.users.findScimUser({ id });
  if (!current) throw notFound();
  const person = await deps.people.get(current.email);
  return settle(
    { current, person, attributes: revise(attributesOf(current), current, person), action },
    caller,
    deps,
  );
}

/**
 * PATCH /Users/{id}: the operations (the IdPs' dialects made canonical, checked before anything is
 * read) applied to the resource as we answer it, then the result read in full, so what the
 * operations removed is cleared.
 */
export async function patchUser(
  id: string,
  body: unknown,
  caller: ScimCaller,
  deps: ScimUsersDeps,
  base: string,
): Promise<ScimUserView> {
  const operations = normalisePatch(body, "User");
  return reviseUser(
    id,
    (current, user, person) =>
      applyChanges(
        current,
        everyAttribute(userChangesOf(applyPatch(userResource(user, person, base), operations, "User"))),
      ),
    caller,
    deps,
  );
}

/**
 * DELETE /Users/{id}: offboards like a deactivation if the person is still active, then the user is
 * gone for SCIM (404, not listed) while our record keeps its retention. Never a Dialpad deletion.
 */
export async function deleteUser(id: string, caller: ScimCaller, deps: ScimUsersDeps): Promise<void> {
  const current = await deps.users.findScimUser({ id });
  if (!current) throw notFound();
  const person = await deps.people.get(current.email);
  await settle(
    {
      current,
      person,
      attributes: { ...attributesOf(current), active: false },
      deleting: true,
      action: "scim_deleted",
    },
    caller,
    deps,
  );
}

interface Settling {
  /** The SCIM item as read (undefined for a new user). */
  current: ScimUser | undefined;
  /** A POST of someone SCIM never knew, or whose SCIM item is of a deleted person. */
  fresh?: boolean;
  person: Person | undefined;
  attributes: UserAttributes;
  deleting?: boolean;
  action: string;
}

/** The effects of going from `current` to `attributes`, then the write of the item and the record. */
async function settle(s: Settling, caller: ScimCaller, deps: ScimUsersDeps): Promise<ScimUserView> {
  const at = deps.clock.now().toISOString();
  const { attributes, person } = s;
  const before = s.current && !s.fresh ? s.current : undefined;
  const email = before?.email ?? personEmailOf(attributes);
  if (before && attributes.user_name.toLowerCase() !== before.user_name.toLowerCase()) {
    const other = await deps.users.findScimUser({ userName: attributes.user_name });
    if (other && other.id !== before.id)
      throw uniqueness(`A user with userName "${attributes.user_name}" exists already.`);
  }
  const next: ScimUser = {
    ...attributes,
    id: s.current?.id ?? deps.newScimId?.() ?? randomUUID(),
    email,
    active: before ? before.active : attributes.active,
    active_at: before?.active_at ?? at,
    activations: s.current?.activations ?? 0,
    deactivations: s.current?.deactivations ?? 0,
    ...(before?.offboard_job_id ? { offboard_job_id: before.offboard_job_id } : {}),
    ...(before?.offboard_held ? { offboard_held: true } : {}),
    ...(s.deleting ? { deleted_at: at } : {}),
    created_at: s.current?.created_at ?? at,
    updated_at: at,
  };
  const wasActive = before ? answeredActive(before, person) : false;
  const wantsActive = s.deleting ? false : attributes.active;
  const effects = new Effects(next, caller, deps, s.current?.updated_at ?? at);
  let record: Pick<PersonChange, "set" | "remove"> | undefined;

  if (wasActive && !wantsActive) {
    await effects.deactivate(person);
  } else if (wantsActive && (!wasActive || before?.offboard_held)) {
    record = await effects.activate(person, before);
  } else if (wantsActive && before) {
    record = await effects.change(before, person);
  } else if (!before && !wantsActive) {
    next.active = false; // created inactive: nothing in Dialpad
  }
  const change: PersonChange | undefined = record && {
    ...record,
    set: { ...record.set, updated_at: at },
    history: {
      at,
      action: s.action,
      source: "api",
      client: caller.client,
      detail: `SCIM user ${next.id}${effects.submitted.length ? `: ${effects.submitted.join(", ")}` : ""}`,
    },
    historyId: `scim#${next.id}#${at}`,
  };
  await deps.users.saveScimUser(next, s.current?.updated_at ?? null, change);
  return { user: next, person: change ? await deps.people.get(email) : person };
}

/** The jobs one change needs, and how they mark the SCIM item. */
class Effects {
  readonly submitted: string[] = [];

  constructor(
    private readonly next: ScimUser,
    private readonly caller: ScimCaller,
    private readonly deps: ScimUsersDeps,
    /** The item's version the change was made on: names the update it asks. */
    private readonly version: string,
  ) {}

  private async submit(submission: Submission, key: string): Promise<Job> {
    checkIntakePolicy(submission, this.deps.settings, this.deps.submit.kinds);
    const { job } = await submitJob(
      submission,
      {
        client: this.caller.client,
        scopes: this.caller.scopes,
        massOffboardLimit: this.caller.massOffboardLimit,
        idempotencyKey: `scim#${this.next.id}#${key}`,
      },
      this.deps.submit,
    );
    this.submitted.push(`${submission.kind} job ${job.job_id} (${job.status})`);
    return job;
  }

  /** active → inactive: an offboard of someone in Dialpad; the same held job for a repeat. */
  async deactivate(person: Person | undefined): Promise<void> {
    const { next } = this;
    const now = this.deps.clock.now().toISOString();
    if (!person || !IN_DIALPAD.has(person.state)) {
      next.active = false;
      next.active_at = now;
      return;
    }
    if (next.offboard_held && next.offboard_job_id) {
      const held = await this.deps.submit.jobs.get(next.offboard_job_id);
      if (held?.status === "held") return; // the same held job answers
    }
    const handoff = await this.handoff();
    const job = await this.submit(
      {
        kind: "offboard",
        request: {
          email: person.email,
          ...(handoff ? { number_handoff: handoff } : {}),
          ticket: { system: "scim", id: next.id },
        },
      },
      `offboard#${next.deactivations + 1}`,
    );
    next.deactivations += 1;
    next.offboard_job_id = job.job_id;
    if (job.status === "held") {
      // Nothing changes in Dialpad until an approve client releases it: SCIM still answers active.
      next.offboard_held = true;
      return;
    }
    delete next.offboard_held;
    next.active = false;
    next.active_at = now;
  }

  /**
   * inactive → active (or a reactivation of someone whose deactivation is held): cancel the
   * offboard not started yet; else bring back the suspended user (rehire, the same Dialpad user), or
   * onboard anew someone never (or no longer) in Dialpad, once an office is known.
   */
  async activate(
    person: Person | undefined,
    before: ScimUser | undefined,
  ): Promise<Pick<PersonChange, "set" | "remove"> | undefined> {
    const { next } = this;
    next.active = true;
    next.active_at = this.deps.clock.now().toISOString();
    const pending = before?.offboard_job_id;
    delete next.offboard_held;
    delete next.offboard_job_id;
    if (pending && (await this.cancelled(pending)) && person?.state !== "suspended") return undefined;
    if (person?.state === "suspended") {
      await this.onboard(person.email, {
        rehire: true,
        ...(person.office_id ? { office_id: person.office_id } : {}),
      });
      return undefined;
    }
    if (person && person.state !== "deleted" && person.state !== "awaiting_office") return undefined;
    return this.onboardOrWait(person);
  }

  /** Still active: names, office, licence, extension or email changed → an update. */
  async change(
    before: ScimUser,
    person: Person | undefined,
  ): Promise<Pick<PersonChange, "set" | "remove"> | undefined> {
    const { next } = this;
    if (!person || person.state === "awaiting_office" || person.state === "deleted")
      return this.onboardOrWait(person);
    if (person.state !== "active") return undefined;
    const office = this.office();
    const email = personEmailOf(next);
    const update: Omit<UpdateRequest, "email"> = {
      ...(next.given_name !== before.given_name && next.given_name ? { first_name: next.given_name } : {}),
      ...(next.family_name !== before.family_name && next.family_name ? { last_name: next.family_name } : {}),
      ...(office && office !== officeOf(before, this.deps.settings.defaultOffice) ? officeField(office) : {}),
      ...(next.license !== before.license && next.license ? { license: next.license as never } : {}),
      ...(next.extension !== before.extension && next.extension ? { extension: next.extension } : {}),
      ...(email !== person.email ? { new_email: email } : {}),
    };
    if (Object.keys(update).length === 0) return undefined;
    const request = parsed(this.deps.submit.kinds.requestSchemaOf("update"), {
      email: person.email,
      ...update,
      ticket: { system: "scim", id: next.id },
    });
    await this.submit({ kind: "update", request }, `update#${this.version}`);
    return undefined;
  }

  /** An onboarding when an office is known; else the person waits, state `awaiting_office`. */
  private async onboardOrWait(person: Person | undefined): Promise<Pick<PersonChange, "set" | "remove">> {
    const { next } = this;
    const office = this.office();
    if (!office) return { set: { state: "awaiting_office" } };
    await this.onboard(next.email, officeField(office));
    return person?.state === "onboarding" ? { set: {} } : { set: { state: "onboarding" } };
  }

  private async onboard(email: string, extra: Partial<OnboardRequest>): Promise<void> {
    const { next } = this;
    const [givenFallback, ...rest] = (next.display_name ?? email.split("@")[0] ?? "").split(/\s+/);
    const request = parsed(this.deps.submit.kinds.requestSchemaOf("onboard"), {
      email,
      first_name: next.given_name ?? givenFallback ?? email,
      last_name: next.family_name ?? (rest.join(" ") || "-"),
      ...(next.license ? { license: next.license } : {}),
      ...(next.area_code ? { area_code: next.area_code } : {}),
      ...(next.extension ? { extension: next.extension } : {}),
      ticket: { system: "scim", id: next.id },
      ...extra,
    });
    await this.submit({ kind: "onboard", request }, `onboard#${next.activations + 1}`);
    next.activations += 1;
  }

  private office(): string | undefined {
    return officeOf(this.next, this.deps.settings.defaultOffice);
  }

  private async cancelled(jobId: string): Promise<boolean> {
    try {
      await cancelJob(
        jobId,
        { client: this.caller.client, reason: "the identity provider reactivated the person" },
        this.deps.submit,
      );
      this.submitted.push(`offboard job ${jobId} cancelled`);
      return true;
    } catch (error) {
      if (error instanceof StateConflict) return false; // it started (or ended) already
      throw error;
    }
  }

  /** The manager's Dialpad user when they are active there; else the numbers are kept. */
  private async handoff(): Promise<NumberHandoff | undefined> {
    const { manager_id } = this.next;
    if (!manager_id) return undefined;
    const manager = await this.deps.users.findScimUser({ id: manager_id });
    const person = manager && (await this.deps.people.get(manager.email));
    // Our record may be behind Dialpad: if the manager is not active there at the time, keep.
    return person?.state === "active" ? { to: "user", email: person.email, otherwise: "keep" } : undefined;
  }
}

/** The office a user belongs in: an office group's, else `officeName`, else SCIM_DEFAULT_OFFICE. */
function officeOf(
  user: Pick<ScimUser, "group_office_name" | "office_name">,
  defaultOffice: string | undefined,
) {
  return user.group_office_name ?? user.office_name ?? defaultOffice;
}

/** SCIM_DEFAULT_OFFICE may be an id (digits) or a name; officeName is a name. */
const officeField = (office: string): { office_id: string } | { office_name: string } =>
  /^\d+$/.test(office) ? { office_id: office } : { office_name: office };

/** A request checked by the HTTP API's own schema: a bad mapped value is the IdP's 400. */
function parsed<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`);
  throw new ScimError(400, "invalidValue", `The user cannot be provisioned as sent: ${problems.join("; ")}`);
}
