/**
 * A Dialpad in memory behind the DialpadApi port: users with states, offices with seat counts,
 * a number pool, call centers and their operators, and scriptable failures, including the
 * ambiguous kind (Dialpad applied the change, the answer was lost). What it answers follows the
 * client's contract (shared/dialpad/api.ts), so the step machines can be tested in milliseconds.
 *
 * Like a company without a reserved pool (unless `reservedPool: true`), an unassigned number and
 * the numbers left on a deleted user are released: they land in `released`, leave the company and
 * cannot be assigned again, so a test sees a lost number.
 */
import type { DialpadApi, UsersPage } from "../../../shared/dialpad/api";
import { DialpadError, type DialpadErrorKind } from "../../../shared/dialpad/errors";
import type {
  AddOperatorRequest,
  AssignNumberRequest,
  AssignNumberToTargetRequest,
  AvailableLicenses,
  CallCenter,
  CreateUserRequest,
  Department,
  DialpadUser,
  DialpadUserState,
  License,
  NumberAssignment,
  Office,
  Operators,
  UpdateUserRequest,
  UserStateFilter,
} from "../../../shared/dialpad/schemas";

export interface FakeUser {
  id: string;
  emails: string[];
  first_name?: string;
  last_name?: string;
  state: DialpadUserState;
  office_id: string;
  license?: string;
  extension?: string;
  phone_numbers: string[];
  admin_office_ids: string[];
  is_super_admin: boolean;
}

type Seats = Required<Pick<AvailableLicenses, "talk_lines" | "sell_lines" | "contact_center_lines">>;
interface FakeOffice {
  id: string;
  name: string;
  seats: Seats;
}
interface FakeCallCenter {
  id: string;
  name: string;
  office_id: string;
  operators: Set<string>;
}

export type DialpadMethod = Exclude<
  keyof DialpadApi,
  "listUsers" | "listOffices" | "listCallCenters" | "listDepartments"
>;

interface ScriptedFailure {
  method: DialpadMethod;
  error: DialpadError;
  /** The change is made before the error is thrown: an answer lost after Dialpad applied it. */
  applied: boolean;
  times: number;
}

const SEAT_LINE: Partial<Record<string, keyof Seats>> = {
  talk: "talk_lines",
  agents: "sell_lines",
  lite_support_agents: "contact_center_lines",
};

const error = (kind: DialpadErrorKind, message: string, status?: number) =>
  new DialpadError(kind, message, status === undefined ? {} : { status });

export class FakeDialpad implements DialpadApi {
  readonly users = new Map<string, FakeUser>();
  readonly offices = new Map<string, FakeOffice>();
  readonly callCenters = new Map<string, FakeCallCenter>();
  /** Numbers free to assign, and numbers kept for the company after an unassign (reserved pool only). */
  readonly available: string[] = [];
  readonly reserved: string[] = [];
  /** Numbers the company gave up: unassigned or left on a deleted user without a reserved pool. */
  readonly released: string[] = [];
  readonly reservedPool: boolean;
  /** Every call made, in order (method and arguments). */
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly departments = new Map<string, Department & { office_id: string }>();
  /** Numbers held by something other than a user (department, call center, office...). */
  readonly otherHolders = new Map<string, { target_type: string; target_id: string }>();
  /** Users per page of `listUsersPage`. */
  pageSize = 100;
  private readonly failures: ScriptedFailure[] = [];
  private nextId = 5_000_000_000_000_000;

  constructor(options: { reservedPool?: boolean } = {}) {
    this.reservedPool = options.reservedPool ?? false;
  }

  // Seeding

  addOffice(name: string, seats: Partial<Seats> = {}): FakeOffice {
    const office = {
      id: this.newId(),
      name,
      seats: { talk_lines: 10, sell_lines: 10, contact_center_lines: 10, ...seats },
    };
    this.offices.set(office.id, office);
    return office;
  }

  addCallCenter(name: string, officeId: string): FakeCallCenter {
    const callCenter = { id: this.newId(), name, office_id: officeId, operators: new Set<string>() };
    this.callCenters.set(callCenter.id, callCenter);
    return callCenter;
  }

  addUser(user: Partial<FakeUser> & { email: string; office_id: string }): FakeUser {
    const { email, ...rest } = user;
    const created: FakeUser = {
      id: this.newId(),
      emails: [email.toLowerCase()],
      state: "active",
      phone_numbers: [],
      admin_office_ids: [],
      is_super_admin: false,
      license: "talk",
      ...rest,
    };
    this.users.set(created.id, created);
    return created;
  }

  addDepartment(name: string, officeId: string) {
    const department = { id: this.newId(), name, office_id: officeId };
    this.departments.set(department.id, department);
    return department;
  }

  addNumbers(...numbers: string[]): void {
    this.available.push(...numbers);
  }

  /**
   * The next `times` calls of `method` fail with `error` (default: a 503). With `applied`, the
   * change is made first: Dialpad did it and the answer was lost (an ambiguous failure).
   */
  fail(
    method: DialpadMethod,
    options: { error?: DialpadError; applied?: boolean; times?: number } = {},
  ): void {
    const applied = options.applied ?? false;
    this.failures.push({
      method,
      error:
        options.error ??
        new DialpadError("transient", `Dialpad ${method} answered 503 (scripted)`, {
          status: 503,
          ambiguous: applied,
        }),
      applied,
      times: options.times ?? 1,
    });
  }

  /** How many times `method` was called. */
  count(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  byEmail(email: string): FakeUser[] {
    return [...this.users.values()].filter((user) => user.emails.includes(email.toLowerCase()));
  }

  // DialpadApi

  findUsersByEmail(email: string, state?: UserStateFilter): Promise<DialpadUser[]> {
    return this.call("findUsersByEmail", [email, state], () =>
      this.byEmail(email)
        .filter((user) => this.listed(user, state))
        .map((user) => this.view(user)),
    );
  }

  getUser(userId: string): Promise<DialpadUser> {
    return this.call("getUser", [userId], () => this.view(this.user(userId)));
  }

  async *listUsers(filter: { state?: UserStateFilter } = {}): AsyncIterable<DialpadUser> {
    this.calls.push({ method: "listUsers", args: [filter] });
    for (const user of [...this.users.values()]) if (this.listed(user, filter.state)) yield this.view(user);
  }

  listUsersPage(cursor: string | undefined, filter: { state?: UserStateFilter } = {}): Promise<UsersPage> {
    return this.call("listUsersPage", [cursor, filter], () => {
      const users = [...this.users.values()].filter((user) => this.listed(user, filter.state));
      const start = Number(cursor ?? 0);
      const end = start + this.pageSize;
      return {
        users: users.slice(start, end).map((user) => this.view(user)),
        ...(end < users.length ? { cursor: String(end) } : {}),
      };
    });
  }

  moveOffice(userId: string, officeId: string): Promise<DialpadUser> {
    return this.call("moveOffice", [userId, officeId], () => {
      const user = this.user(userId);
      const office = this.office(officeId);
      const line = SEAT_LINE[user.license ?? "talk"] ?? "talk_lines";
      if (office.seats[line] <= 0) throw error("no_seats", `No ${line} left in the office.`, 400);
      office.seats[line] -= 1;
      const previous = this.offices.get(user.office_id);
      if (previous) previous.seats[line] += 1;
      user.office_id = office.id;
      return this.view(user);
    });
  }

  createUser(request: CreateUserRequest): Promise<DialpadUser> {
    return this.call("createUser", [request], () => {
      const office = this.office(request.office_id);
      if (this.byEmail(request.email).some((user) => user.state !== "deleted"))
        throw error("conflict", "A user with this email already exists.", 409);
      const line = SEAT_LINE[request.license ?? "talk"] ?? "talk_lines";
      if (office.seats[line] <= 0) throw error("no_seats", `No ${line} left in the office.`, 400);
      office.seats[line] -= 1;
      const user = this.addUser({
        email: request.email,
        office_id: office.id,
        ...(request.first_name ? { first_name: request.first_name } : {}),
        ...(request.last_name ? { last_name: request.last_name } : {}),
        license: request.license ?? "talk",
      });
      return this.view(user);
    });
  }

  updateUser(userId: string, patch: UpdateUserRequest): Promise<DialpadUser> {
    return this.call("updateUser", [userId, patch], () => {
      const user = this.user(userId);
      if (user.state === "deleted") throw error("not_found", "No such user.", 404);
      if (patch.office_id) this.office(patch.office_id);
      Object.assign(user, patch);
      return this.view(user);
    });
  }

  deleteUser(userId: string): Promise<DialpadUser> {
    return this.call("deleteUser", [userId], () => {
      const user = this.user(userId);
      if (user.state === "deleted") throw error("not_found", "No such user.", 404);
      for (const number of user.phone_numbers) this.unassigned(number);
      for (const callCenter of this.callCenters.values()) callCenter.operators.delete(userId);
      Object.assign(user, { state: "deleted", emails: [], phone_numbers: [] });
      return this.view(user);
    });
  }

  assignNumber(userId: string, request: AssignNumberRequest): Promise<NumberAssignment> {
    return this.call("assignNumber", [userId, request], () => {
      const user = this.user(userId);
      const pool = [...this.reserved, ...this.available];
      const number = request.number
        ? pool.find((candidate) => candidate === request.number)
        : pool.find((candidate) => candidate.startsWith(`+1${request.area_code ?? ""}`));
      if (!number) throw error("rejected", "The number is not available.", 400);
      for (const list of [this.reserved, this.available]) {
        const at = list.indexOf(number);
        if (at >= 0) list.splice(at, 1);
      }
      user.phone_numbers = request.primary
        ? [number, ...user.phone_numbers]
        : [...user.phone_numbers, number];
      return { number, status: "assigned", target_id: userId, target_type: "user" };
    });
  }

  unassignNumber(userId: string, number: string): Promise<NumberAssignment> {
    return this.call("unassignNumber", [userId, number], () => {
      const user = this.user(userId);
      if (!user.phone_numbers.includes(number)) throw error("not_found", "The user has no such number.", 404);
      user.phone_numbers = user.phone_numbers.filter((held) => held !== number);
      return { number, status: this.unassigned(number) };
    });
  }

  assignNumberToTarget(number: string, request: AssignNumberToTargetRequest): Promise<NumberAssignment> {
    return this.call("assignNumberToTarget", [number, request], () => {
      if (this.released.includes(number)) throw error("not_found", "The number is not the company's.", 404);
      this.target(request);
      this.takeNumber(number);
      if (request.target_type === "user") {
        const user = this.user(request.target_id);
        user.phone_numbers = request.primary
          ? [number, ...user.phone_numbers]
          : [...user.phone_numbers, number];
      } else
        this.otherHolders.set(number, { target_type: request.target_type, target_id: request.target_id });
      return { number, status: "assigned", target_id: request.target_id, target_type: request.target_type };
    });
  }

  unassignNumberFromHolder(number: string, options: { release?: boolean } = {}): Promise<NumberAssignment> {
    return this.call("unassignNumberFromHolder", [number, options], () => {
      if (this.released.includes(number)) throw error("not_found", "The number is not the company's.", 404);
      this.takeNumber(number);
      if (options.release) this.released.push(number);
      return { number, status: options.release ? "released" : this.unassigned(number) };
    });
  }

  getOffice(officeId: string): Promise<Office> {
    return this.call("getOffice", [officeId], () => {
      const office = this.office(officeId);
      return { id: office.id, name: office.name };
    });
  }

  getCallCenter(callCenterId: string): Promise<CallCenter> {
    return this.call("getCallCenter", [callCenterId], () => {
      const { id, name, office_id } = this.callCenter(callCenterId);
      return { id, name, office_id };
    });
  }

  async *listDepartments(filter: { officeId?: string } = {}): AsyncIterable<Department> {
    this.calls.push({ method: "listDepartments", args: [filter] });
    for (const department of [...this.departments.values()])
      if (!filter.officeId || department.office_id === filter.officeId) yield { ...department };
  }

  getDepartment(departmentId: string): Promise<Department> {
    return this.call("getDepartment", [departmentId], () => {
      const department = this.departments.get(departmentId);
      if (!department) throw error("not_found", "No such department.", 404);
      return { ...department };
    });
  }

  async *listOffices(): AsyncIterable<Office> {
    this.calls.push({ method: "listOffices", args: [] });
    for (const office of [...this.offices.values()]) yield { id: office.id, name: office.name };
  }

  getAvailableLicenses(officeId: string): Promise<AvailableLicenses> {
    return this.call("getAvailableLicenses", [officeId], () => ({ ...this.office(officeId).seats }));
  }

  async *listCallCenters(filter: { officeId?: string } = {}): AsyncIterable<CallCenter> {
    this.calls.push({ method: "listCallCenters", args: [filter] });
    for (const callCenter of [...this.callCenters.values()])
      if (!filter.officeId || callCenter.office_id === filter.officeId)
        yield { id: callCenter.id, name: callCenter.name, office_id: callCenter.office_id };
  }

  listOperators(callCenterId: string): Promise<Operators> {
    return this.call("listOperators", [callCenterId], () => ({
      users: [...this.callCenter(callCenterId).operators].map((id) => this.view(this.user(id))),
    }));
  }

  addOperator(callCenterId: string, request: AddOperatorRequest): Promise<unknown> {
    return this.call("addOperator", [callCenterId, request], () => {
      const callCenter = this.callCenter(callCenterId);
      this.user(request.user_id);
      if (callCenter.operators.has(request.user_id))
        throw error("conflict", "The user is already an operator.", 409);
      callCenter.operators.add(request.user_id);
      return { id: request.user_id };
    });
  }

  removeOperator(callCenterId: string, userId: string): Promise<unknown> {
    return this.call("removeOperator", [callCenterId, userId], () => {
      const callCenter = this.callCenter(callCenterId);
      if (!callCenter.operators.delete(userId)) throw error("not_found", "Not an operator.", 404);
      return { id: userId };
    });
  }

  createWebhook(hookUrl: string, secret: string): Promise<{ id: string }> {
    return this.call("createWebhook", [hookUrl, secret.replace(/./g, "*")], () => ({ id: this.newId() }));
  }

  subscribeToChangelog(webhookId: string): Promise<unknown> {
    return this.call("subscribeToChangelog", [webhookId], () => ({ id: this.newId(), enabled: true }));
  }

  // Internals

  /** Runs one call: logs it, then applies a scripted failure (before or after the change) or the change. */
  private async call<T>(method: DialpadMethod, args: unknown[], change: () => T): Promise<T> {
    this.calls.push({ method, args });
    await Promise.resolve(); // answer asynchronously, as over the network
    const failure = this.failures.find((candidate) => candidate.method === method && candidate.times > 0);
    if (failure) {
      failure.times -= 1;
      if (failure.applied) change();
      throw failure.error;
    }
    return change();
  }

  /** The port's filter: a state, `all`, or (absent) every user that is not deleted. */
  private listed(user: FakeUser, state: UserStateFilter | undefined): boolean {
    if (state === "all") return true;
    if (state) return user.state === state;
    return user.state !== "deleted";
  }

  /** Back to the reserved pool if the company has one, else released (Dialpad's rule for an unassign). */
  private unassigned(number: string): "available" | "released" {
    if (this.released.includes(number)) return "released";
    (this.reservedPool ? this.reserved : this.released).push(number);
    return this.reservedPool ? "available" : "released";
  }

  /** The target of an assign-to-target call must exist (404 otherwise). */
  private target({ target_type, target_id }: AssignNumberToTargetRequest): void {
    if (target_type === "user") this.user(target_id);
    else if (target_type === "office") this.office(target_id);
    else if (target_type === "callcenter") this.callCenter(target_id);
    else if (target_type === "department" && !this.departments.has(target_id))
      throw error("not_found", "No such department.", 404);
  }

  /** Takes a company number from whoever holds it (a user, another holder, a pool). */
  private takeNumber(number: string): void {
    for (const user of this.users.values())
      user.phone_numbers = user.phone_numbers.filter((held) => held !== number);
    this.otherHolders.delete(number);
    for (const list of [this.reserved, this.available]) {
      const at = list.indexOf(number);
      if (at >= 0) list.splice(at, 1);
    }
  }

  private view(user: FakeUser): DialpadUser {
    const groups = [...this.callCenters.values()]
      .filter((callCenter) => callCenter.operators.has(user.id))
      .map((callCenter) => ({ group_id: callCenter.id, group_type: "callcenter", role: "operator" }));
    return structuredClone({
      ...user,
      ...(user.license ? { license: user.license as License } : {}),
      group_details: groups,
    });
  }

  private user(userId: string): FakeUser {
    const user = this.users.get(userId);
    if (!user) throw error("not_found", "No such user.", 404);
    return user;
  }

  private office(officeId: string): FakeOffice {
    const office = this.offices.get(officeId);
    if (!office) throw error("not_found", "No such office.", 404);
    return office;
  }

  private callCenter(callCenterId: string): FakeCallCenter {
    const callCenter = this.callCenters.get(callCenterId);
    if (!callCenter) throw error("not_found", "No such call center.", 404);
    return callCenter;
  }

  private newId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }
}
