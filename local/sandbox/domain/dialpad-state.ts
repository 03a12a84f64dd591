/**
 * The simulated Dialpad company and its rules: seats consumed by active users, unique live emails,
 * the reserved number block, call-center membership, webhooks and change-log subscriptions. Without
 * a reserved pool (`reservedPool` false), an unassigned number is released as Dialpad's spec says:
 * it leaves the company and cannot be assigned again; so do the numbers left on a deleted user.
 * Knows nothing of HTTP; every refusal is a SandboxError with Dialpad's status. Every change to a
 * user is announced to the listeners (the change-log dispatcher) after it is committed.
 */
import { normaliseEmail } from "../../../shared/lifecycle/model";
import { compareIds, type IdSequence } from "./id-sequence";
import {
  type CallCenter,
  type ChangeActor,
  type ChangeLogSubscription,
  type Department,
  type DepartmentOperatorRole,
  type License,
  type NumberHolderKind,
  type Office,
  type OperatorRole,
  type PhoneNumber,
  type SeatLine,
  type Seats,
  seatLineOf,
  type User,
  type UserChange,
  type UserChangeAction,
  type UserState,
  type Webhook,
} from "./model";
import { badRequest, conflict, notFound } from "./sandbox-error";

export interface NewUser {
  email: string;
  officeId: string;
  firstName?: string;
  lastName?: string;
  license?: License;
  /** Take a number from the reserved block (if one is left). */
  autoAssign?: boolean;
}

/** `PATCH /users/{id}` in domain terms; absent fields stay as they are. */
export interface UserPatch {
  state?: "active" | "suspended";
  firstName?: string;
  lastName?: string;
  extension?: string;
  license?: License;
  officeId?: string;
  emails?: string[];
  /** Reorder or remove only; removed numbers go back to the reserved block. */
  phoneNumbers?: string[];
  adminOfficeIds?: string[];
  isSuperAdmin?: boolean;
  jobTitle?: string;
  forwardingNumbers?: string[];
  internationalDialingEnabled?: boolean;
}

export interface NumberRequest {
  number?: string;
  areaCode?: string;
  /** Put the number first in `phone_numbers` (Dialpad's default). */
  primary?: boolean;
}

/**
 * `GET /users` filter. Without a state Dialpad applies a default it does not document: the sandbox
 * lists every user that is not deleted, or only active ones when `usersDefaultState` is "active".
 * `all` includes deleted ones.
 */
export interface UserFilter {
  email?: string;
  state?: UserState | "pending" | "cancelled" | "all";
}

/** Where `POST /numbers/{number}/assign` sends a number. */
export interface NumberTarget {
  kind: NumberHolderKind;
  id: string;
}

export interface DialpadStateOptions {
  ids: IdSequence;
  companyId: string;
  clock: () => Date;
  /** Free seats of each new office. */
  seatsPerOffice: Seats;
  /** Whether the company has a reserved pool that unassigned numbers return to; default yes. */
  reservedPool?: () => boolean;
}

export type UserChangeListener = (change: UserChange) => void;

const holdsSeat = (user: User) => user.state === "active";
/** Calling codes of the countries the seeded number pool covers. */
const CALLING_CODES: Record<string, string> = { us: "+1", ca: "+1", gb: "+44" };
/** Dialpad's timestamp style: ISO-8601 without zone. */
const dialpadTimestamp = (date: Date) => date.toISOString().slice(0, 19);

export class DialpadState {
  readonly companyId: string;
  private readonly ids: IdSequence;
  private readonly clock: () => Date;
  private readonly seatsPerOffice: Seats;
  private readonly reservedPool: () => boolean;
  private readonly officesById = new Map<string, Office>();
  private readonly usersById = new Map<string, User>();
  private readonly callCentersById = new Map<string, CallCenter>();
  private readonly departmentsById = new Map<string, Department>();
  /** department id → (user id → role). */
  private readonly departmentOperators = new Map<string, Map<string, DepartmentOperatorRole>>();
  private readonly numbersByE164 = new Map<string, PhoneNumber>();
  private readonly webhooksById = new Map<string, Webhook>();
  private readonly subscriptionsById = new Map<string, ChangeLogSubscription>();
  private readonly listeners: UserChangeListener[] = [];
  private nextExtension = 1001;

  constructor(options: DialpadStateOptions) {
    this.ids = options.ids;
    this.companyId = options.companyId;
    this.clock = options.clock;
    this.seatsPerOffice = { ...options.seatsPerOffice };
    this.reservedPool = options.reservedPool ?? (() => true);
  }

  onUserChange(listener: UserChangeListener): void {
    this.listeners.push(listener);
  }

  // ---- offices and seats ----------------------------------------------------------------------

  addOffice(input: { name: string; country: string; timezone: string; isPrimary?: boolean }): Office {
    const office: Office = {
      id: this.ids.take(),
      name: input.name,
      country: input.country,
      timezone: input.timezone,
      isPrimary: input.isPrimary ?? false,
      availableSeats: { ...this.seatsPerOffice },
    };
    this.officesById.set(office.id, office);
    return office;
  }

  offices(): Office[] {
    return [...this.officesById.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  office(officeId: string): Office {
    const office = this.officesById.get(officeId);
    if (!office) throw notFound(`Office ${officeId} not found`);
    return office;
  }

  officeByName(name: string): Office | undefined {
    return [...this.officesById.values()].find((office) => office.name === name);
  }

  setAvailableSeats(officeId: string, seats: Partial<Seats>): Office {
    const office = this.office(officeId);
    for (const [line, count] of Object.entries(seats) as [SeatLine, number][]) {
      if (!Number.isInteger(count) || count < 0) throw badRequest(`${line} must be a non-negative integer`);
      office.availableSeats[line] = count;
    }
    return office;
  }

  // ---- users ----------------------------------------------------------------------------------

  users(filter: UserFilter = {}, defaultState: "not_deleted" | "active" = "not_deleted"): User[] {
    const email = filter.email === undefined ? undefined : normaliseEmail(filter.email);
    return [...this.usersById.values()]
      .filter((user) => {
        if (filter.state === undefined)
          return defaultState === "active" ? user.state === "active" : user.state !== "deleted";
        return filter.state === "all" || user.state === filter.state;
      })
      .filter((user) => email === undefined || user.emails.some((e) => normaliseEmail(e) === email))
      .sort((a, b) => compareIds(a.id, b.id));
  }

  /** Any user, deleted ones included (a deleted user keeps its id and answers `state: "deleted"`). */
  user(userId: string): User {
    const user = this.usersById.get(userId);
    if (!user) throw notFound(`User ${userId} not found`);
    return user;
  }

  createUser(input: NewUser, actor: ChangeActor): User {
    const email = input.email.trim();
    if (!email.includes("@")) throw badRequest(`Invalid email address: ${email}`);
    const office = this.office(input.officeId);
    this.assertEmailsFree([email]);
    const license = input.license ?? "talk";
    const user: User = {
      id: "",
      officeId: office.id,
      emails: [email],
      firstName: input.firstName,
      lastName: input.lastName,
      state: "active",
      license,
      extension: String(this.nextExtension),
      phoneNumbers: [],
      adminOfficeIds: [],
      isSuperAdmin: false,
      forwardingNumbers: [],
      dateAdded: dialpadTimestamp(this.clock()),
    };
    this.moveSeat(undefined, user);
    user.id = this.ids.take();
    this.nextExtension += 1;
    this.usersById.set(user.id, user);
    if (input.autoAssign) {
      const free = this.availableNumbers()[0];
      if (free) this.giveNumber(user, free, true);
    }
    this.announce("user_created", user, actor, "User created", { office_id: office.id, license });
    return user;
  }

  /**
   * `PATCH /users/{id}`, and `move_office` with `reassignNumbers`: only that route reassigns numbers
   * on a move between countries; PATCH refuses it while the user has numbers (the spec: "For
   * international offices, the user must not have phone numbers assigned").
   */
  updateUser(
    userId: string,
    patch: UserPatch,
    actor: ChangeActor,
    options: { reassignNumbers?: boolean } = {},
  ): User {
    const user = this.liveUser(userId);
    const next: User = structuredClone(user);
    const changedFields: string[] = [];
    const set = <K extends keyof User>(field: K, wireName: string, value: User[K] | undefined) => {
      if (value === undefined) return;
      if (JSON.stringify(next[field]) !== JSON.stringify(value)) changedFields.push(wireName);
      next[field] = value;
    };

    if (patch.officeId !== undefined) this.office(patch.officeId);
    if (patch.emails !== undefined) {
      if (patch.emails.length === 0) throw badRequest("A user needs at least one email");
      for (const email of patch.emails) {
        if (!email.includes("@")) throw badRequest(`Invalid email address: ${email}`);
      }
      this.assertEmailsFree(patch.emails, user.id);
    }
    if (patch.extension !== undefined) {
      const holder = this.users().find((u) => u.extension === patch.extension && u.id !== user.id);
      if (holder) throw conflict(`Extension ${patch.extension} is already in use`);
    }
    if (patch.phoneNumbers !== undefined) {
      const unknown = patch.phoneNumbers.find((n) => !user.phoneNumbers.includes(n));
      if (unknown)
        throw badRequest(`phone_numbers can only reorder or remove numbers; ${unknown} is not assigned`);
    }
    for (const officeId of patch.adminOfficeIds ?? []) this.office(officeId);

    set("state", "state", patch.state);
    set("firstName", "first_name", patch.firstName);
    set("lastName", "last_name", patch.lastName);
    set("extension", "extension", patch.extension);
    set("license", "license", patch.license);
    set("officeId", "office_id", patch.officeId);
    set("emails", "emails", patch.emails);
    set("phoneNumbers", "phone_numbers", patch.phoneNumbers);
    set("adminOfficeIds", "admin_office_ids", patch.adminOfficeIds);
    set("isSuperAdmin", "is_super_admin", patch.isSuperAdmin);
    set("jobTitle", "job_title", patch.jobTitle);
    set("forwardingNumbers", "forwarding_numbers", patch.forwardingNumbers);
    set("internationalDialingEnabled", "international_dialing_enabled", patch.internationalDialingEnabled);

    // Moving to an office in another country, Dialpad unassigns the user's numbers and assigns a
    // new one (the sandbox takes a free number of that country, if its pool has one).
    const newCountry = this.office(next.officeId).country;
    const countryChanged =
      next.officeId !== user.officeId && newCountry !== this.office(user.officeId).country;
    const replacement =
      countryChanged && user.phoneNumbers.length > 0 ? this.freeNumberIn(newCountry) : undefined;
    if (countryChanged && user.phoneNumbers.length > 0 && !options.reassignNumbers)
      throw badRequest(
        `User ${userId} has phone numbers: for an office in another country it must not have phone numbers assigned (or use move_office)`,
      );
    if (countryChanged) next.phoneNumbers = replacement ? [replacement.number] : [];

    // The only step that can still refuse; after it nothing fails, so no half-applied update.
    this.moveSeat(user, next);
    if (countryChanged && user.phoneNumbers.length > 0) changedFields.push("phone_numbers");
    for (const removed of user.phoneNumbers.filter((n) => !next.phoneNumbers.includes(n))) {
      this.unassign(removed);
    }
    if (replacement) {
      replacement.status = "user";
      replacement.targetId = next.id;
    }
    this.usersById.set(user.id, next);

    if (user.state !== next.state) {
      const suspended = next.state === "suspended";
      this.announce(
        suspended ? "user_suspended" : "user_reactivated",
        next,
        actor,
        suspended ? "User suspended" : "User reactivated",
        { previous_state: user.state, state: next.state },
      );
    }
    const otherFields = changedFields.filter((field) => field !== "state");
    if (otherFields.length > 0) {
      this.announce("user_updated", next, actor, "User updated", { changed_fields: otherFields });
    }
    return next;
  }

  /** Permanent: frees the seat, unassigns the numbers (released without a pool), leaves every call center. */
  deleteUser(userId: string, actor: ChangeActor): User {
    const user = this.liveUser(userId);
    const deleted: User = { ...structuredClone(user), state: "deleted", emails: [], phoneNumbers: [] };
    this.moveSeat(user, deleted);
    for (const number of user.phoneNumbers) this.unassign(number);
    for (const callCenter of this.callCentersById.values()) callCenter.operators.delete(user.id);
    this.usersById.set(user.id, deleted);
    this.announce("user_deleted", deleted, actor, "User deleted", { previous_state: user.state });
    return deleted;
  }

  // ---- numbers --------------------------------------------------------------------------------

  addReservedNumbers(areaCode: string, numbers: string[]): void {
    for (const number of numbers) {
      this.numbersByE164.set(number, { number, areaCode, status: "available" });
    }
  }

  numbers(): PhoneNumber[] {
    return [...this.numbersByE164.values()].sort((a, b) => a.number.localeCompare(b.number));
  }

  number(e164: string): PhoneNumber | undefined {
    return this.numbersByE164.get(e164);
  }

  /** A named reserved number first, else the first free one of the area code, else any free one. */
  assignNumber(userId: string, request: NumberRequest, actor: ChangeActor): PhoneNumber {
    const user = this.liveUser(userId);
    let chosen: PhoneNumber | undefined;
    if (request.number !== undefined) {
      chosen = this.numbersByE164.get(request.number);
      if (chosen?.status !== "available") {
        throw badRequest(`Number ${request.number} is not available in the company's reserved numbers`);
      }
    } else if (request.areaCode !== undefined) {
      chosen = this.availableNumbers().find((n) => n.areaCode === request.areaCode);
      if (!chosen) throw badRequest(`No available numbers in area code ${request.areaCode}`);
    } else {
      chosen = this.availableNumbers()[0];
      if (!chosen) throw badRequest("No available numbers in the company's reserved numbers");
    }
    this.giveNumber(user, chosen, request.primary ?? true);
    this.announce("user_updated", user, actor, `Number ${chosen.number} assigned`, {
      changed_fields: ["phone_numbers"],
    });
    return chosen;
  }

  /**
   * `POST /numbers/{number}/assign`: hands a company number to a user, department, call center or
   * office, taking it from whoever holds it. Assigning it to its current holder changes nothing.
   */
  assignNumberToTarget(
    e164: string,
    target: NumberTarget,
    primary: boolean,
    actor: ChangeActor,
  ): PhoneNumber {
    const number = this.numbersByE164.get(e164);
    if (!number) throw notFound(`Number ${e164} not found in the company`);
    const newHolder = target.kind === "user" ? this.liveUser(target.id) : undefined;
    if (target.kind === "department") this.department(target.id);
    if (target.kind === "call_center") this.callCenter(target.id);
    if (target.kind === "office") this.office(target.id);
    if (number.status === target.kind && number.targetId === target.id) return number;

    this.takeFromHolder(number, actor);
    if (newHolder) {
      this.giveNumber(newHolder, number, primary);
      this.announce("user_updated", newHolder, actor, `Number ${e164} assigned`, {
        changed_fields: ["phone_numbers"],
      });
    } else {
      number.status = target.kind;
      number.targetId = target.id;
    }
    return number;
  }

  /**
   * `DELETE /numbers/{number}`: unassigns it from whoever holds it and returns it to the reserved
   * block, or with `release` (or without a reserved pool) gives it up: it leaves the company. An
   * available number is left as is.
   */
  unassignNumberFromHolder(e164: string, release: boolean, actor: ChangeActor): PhoneNumber {
    const number = this.numbersByE164.get(e164);
    if (!number) throw notFound(`Number ${e164} not found in the company`);
    this.takeFromHolder(number, actor);
    if (release || !this.reservedPool()) this.numbersByE164.delete(e164);
    return number;
  }

  /** Numbers held by a department, call center or office (users keep theirs in `phoneNumbers`). */
  numbersHeldBy(kind: Exclude<NumberHolderKind, "user">, id: string): string[] {
    return this.numbers()
      .filter((n) => n.status === kind && n.targetId === id)
      .map((n) => n.number);
  }

  unassignNumber(userId: string, number: string, actor: ChangeActor): PhoneNumber {
    const user = this.liveUser(userId);
    if (!user.phoneNumbers.includes(number)) {
      throw badRequest(`Number ${number} is not assigned to user ${userId}`);
    }
    user.phoneNumbers = user.phoneNumbers.filter((n) => n !== number);
    const returned = this.unassign(number);
    this.announce("user_updated", user, actor, `Number ${number} unassigned`, {
      changed_fields: ["phone_numbers"],
    });
    return returned;
  }

  // ---- call centers ---------------------------------------------------------------------------

  addCallCenter(input: { name: string; officeId: string }): CallCenter {
    this.office(input.officeId);
    const callCenter: CallCenter = {
      id: this.ids.take(),
      name: input.name,
      officeId: input.officeId,
      operators: new Map(),
    };
    this.callCentersById.set(callCenter.id, callCenter);
    return callCenter;
  }

  callCenters(filter: { officeId?: string } = {}): CallCenter[] {
    return [...this.callCentersById.values()]
      .filter((cc) => filter.officeId === undefined || cc.officeId === filter.officeId)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  callCenter(callCenterId: string): CallCenter {
    const callCenter = this.callCentersById.get(callCenterId);
    if (!callCenter) throw notFound(`Call center ${callCenterId} not found`);
    return callCenter;
  }

  operators(callCenterId: string): User[] {
    return [...this.callCenter(callCenterId).operators.keys()].map((id) => this.user(id));
  }

  /** The user's call-center memberships, as `group_details` reports them. */
  memberships(userId: string): { callCenterId: string; role: OperatorRole }[] {
    return this.callCenters().flatMap((cc) => {
      const role = cc.operators.get(userId);
      return role ? [{ callCenterId: cc.id, role }] : [];
    });
  }

  addOperator(callCenterId: string, userId: string, role: OperatorRole, actor: ChangeActor): User {
    const callCenter = this.callCenter(callCenterId);
    const user = this.user(userId);
    if (user.state !== "active")
      throw badRequest(`User ${userId} is ${user.state}: only active users can be operators`);
    if (callCenter.operators.has(userId)) {
      throw conflict(`User ${userId} is already an operator of call center ${callCenterId}`);
    }
    callCenter.operators.set(userId, role);
    this.announce("user_updated", user, actor, `Added to call center ${callCenter.name}`, {
      changed_fields: ["group_details"],
      group_id: callCenter.id,
    });
    return user;
  }

  /** Does not free any licence (as Dialpad documents). */
  removeOperator(callCenterId: string, userId: string, actor: ChangeActor): User {
    const callCenter = this.callCenter(callCenterId);
    const user = this.user(userId);
    if (!callCenter.operators.delete(userId)) {
      throw notFound(`User ${userId} is not an operator of call center ${callCenterId}`);
    }
    this.announce("user_updated", user, actor, `Removed from call center ${callCenter.name}`, {
      changed_fields: ["group_details"],
      group_id: callCenter.id,
    });
    return user;
  }

  // ---- departments --------------------------------------------------------------------------

  addDepartment(input: { name: string; officeId: string }): Department {
    this.office(input.officeId);
    const department: Department = { id: this.ids.take(), name: input.name, officeId: input.officeId };
    this.departmentsById.set(department.id, department);
    return department;
  }

  departments(filter: { officeId?: string } = {}): Department[] {
    return [...this.departmentsById.values()]
      .filter((d) => filter.officeId === undefined || d.officeId === filter.officeId)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  department(departmentId: string): Department {
    const department = this.departmentsById.get(departmentId);
    if (!department) throw notFound(`Department ${departmentId} not found`);
    return department;
  }

  /** `POST /departments/{id}/operators`: an operator, or the department's admin. */
  addDepartmentOperator(
    departmentId: string,
    userId: string,
    role: DepartmentOperatorRole,
    actor: ChangeActor,
  ): User {
    const department = this.department(departmentId);
    const user = this.user(userId);
    if (user.state !== "active")
      throw badRequest(`User ${userId} is ${user.state}: only active users can be operators`);
    const operators = this.departmentOperators.get(departmentId) ?? new Map<string, DepartmentOperatorRole>();
    if (operators.has(userId))
      throw conflict(`User ${userId} is already an operator of department ${departmentId}`);
    operators.set(userId, role);
    this.departmentOperators.set(departmentId, operators);
    this.announce("user_updated", user, actor, `Added to department ${department.name}`, {
      changed_fields: ["group_details"],
      group_id: department.id,
    });
    return user;
  }

  /** The user's department memberships, as `group_details` reports them. */
  departmentMemberships(userId: string): { departmentId: string; role: DepartmentOperatorRole }[] {
    return [...this.departmentOperators].flatMap(([departmentId, operators]) => {
      const role = operators.get(userId);
      return role ? [{ departmentId, role }] : [];
    });
  }

  // ---- webhooks -------------------------------------------------------------------------------

  createWebhook(hookUrl: string, secret: string | undefined): Webhook {
    const webhook: Webhook = { id: this.ids.take(), hookUrl, ...(secret ? { secret } : {}) };
    this.webhooksById.set(webhook.id, webhook);
    return webhook;
  }

  webhook(webhookId: string): Webhook {
    const webhook = this.webhooksById.get(webhookId);
    if (!webhook) throw notFound(`Webhook ${webhookId} not found`);
    return webhook;
  }

  subscribeToChangeLog(webhookId: string, enabled: boolean): ChangeLogSubscription {
    this.webhook(webhookId);
    const subscription: ChangeLogSubscription = { id: this.ids.take(), webhookId, enabled };
    this.subscriptionsById.set(subscription.id, subscription);
    return subscription;
  }

  /** Webhooks that receive change-log events (one delivery per webhook even if subscribed twice). */
  changeLogTargets(): Webhook[] {
    const ids = new Set(
      [...this.subscriptionsById.values()].filter((s) => s.enabled).map((s) => s.webhookId),
    );
    return [...ids].map((id) => this.webhook(id));
  }

  webhooks(): { webhooks: Webhook[]; subscriptions: ChangeLogSubscription[] } {
    return { webhooks: [...this.webhooksById.values()], subscriptions: [...this.subscriptionsById.values()] };
  }

  // ---- rules ----------------------------------------------------------------------------------

  /** Users that can still be changed: deleting is permanent, so a deleted user answers 404. */
  private liveUser(userId: string): User {
    const user = this.user(userId);
    if (user.state === "deleted") throw notFound(`User ${userId} not found (deleted)`);
    return user;
  }

  private assertEmailsFree(emails: string[], exceptUserId?: string): void {
    const wanted = new Set(emails.map(normaliseEmail));
    for (const other of this.usersById.values()) {
      if (other.id === exceptUserId || other.state === "deleted") continue;
      const taken = other.emails.find((e) => wanted.has(normaliseEmail(e)));
      if (taken) throw conflict(`A user with email ${taken} already exists`);
    }
  }

  /**
   * Moves the seat an active user holds when its state, office or licence changes. Checks before
   * it changes anything, so a refusal leaves the counts untouched.
   */
  private moveSeat(before: User | undefined, after: User): void {
    const from =
      before && holdsSeat(before)
        ? { officeId: before.officeId, line: seatLineOf(before.license) }
        : undefined;
    const to = holdsSeat(after) ? { officeId: after.officeId, line: seatLineOf(after.license) } : undefined;
    if (from?.officeId === to?.officeId && from?.line === to?.line) return;
    const target = to ? this.office(to.officeId) : undefined;
    if (to && target && target.availableSeats[to.line] < 1) {
      throw badRequest(`No available licenses for ${to.line} in office ${to.officeId}`);
    }
    if (from) this.office(from.officeId).availableSeats[from.line] += 1;
    if (to && target) target.availableSeats[to.line] -= 1;
  }

  /** A free number of the pool dialled in that country (by calling code), if there is one. */
  private freeNumberIn(country: string): PhoneNumber | undefined {
    const prefix = CALLING_CODES[country];
    return prefix === undefined
      ? undefined
      : this.availableNumbers().find((n) => n.number.startsWith(prefix));
  }

  private availableNumbers(): PhoneNumber[] {
    return this.numbers().filter((n) => n.status === "available");
  }

  private giveNumber(user: User, number: PhoneNumber, primary: boolean): void {
    number.status = "user";
    number.targetId = user.id;
    user.phoneNumbers = primary
      ? [number.number, ...user.phoneNumbers]
      : [...user.phoneNumbers, number.number];
  }

  /** Dialpad's rule for an unassigned number: back to the reserved pool if there is one, else released. */
  private unassign(e164: string): PhoneNumber {
    const number = this.returnToReservedBlock(e164);
    if (!this.reservedPool()) this.numbersByE164.delete(e164);
    return number;
  }

  private returnToReservedBlock(e164: string): PhoneNumber {
    const number = this.numbersByE164.get(e164) ?? {
      number: e164,
      areaCode: e164.slice(2, 5),
      status: "available" as const,
    };
    number.status = "available";
    delete number.targetId;
    this.numbersByE164.set(e164, number);
    return number;
  }

  /** Makes a number available again, taking it out of its user's `phone_numbers` if a user held it. */
  private takeFromHolder(number: PhoneNumber, actor: ChangeActor): void {
    if (number.status === "user" && number.targetId !== undefined) {
      const previous = this.usersById.get(number.targetId);
      if (previous?.phoneNumbers.includes(number.number)) {
        previous.phoneNumbers = previous.phoneNumbers.filter((n) => n !== number.number);
        this.announce("user_updated", previous, actor, `Number ${number.number} unassigned`, {
          changed_fields: ["phone_numbers"],
        });
      }
    }
    number.status = "available";
    delete number.targetId;
  }

  private announce(
    action: UserChangeAction,
    user: User,
    actor: ChangeActor,
    note: string,
    additionalData: Record<string, unknown>,
  ): void {
    const change: UserChange = {
      action,
      userId: user.id,
      note,
      additionalData,
      actor,
      date: this.clock().getTime(),
    };
    for (const listener of this.listeners) listener(change);
  }
}
