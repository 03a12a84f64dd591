/**
 * The port every other module uses to speak to Dialpad. `DialpadClient` (client.ts) is the one
 * implementation that talks HTTP; nothing else in the code base calls Dialpad.
 */
import type {
  AddOperatorRequest,
  AssignNumberRequest,
  AssignNumberToTargetRequest,
  AvailableLicenses,
  CallCenter,
  CreateUserRequest,
  Department,
  DialpadUser,
  NumberAssignment,
  Office,
  Operators,
  UpdateUserRequest,
  UserStateFilter,
} from "./schemas";

/** One page of users and the cursor of the next one (absent on the last page). */
export interface UsersPage {
  users: DialpadUser[];
  cursor?: string;
}

export interface DialpadApi {
  /**
   * `GET /users?email=&state=`: the users owning that email (compared without case), all pages.
   * `state` absent = every user that is not deleted. The state is always sent (`all` when absent)
   * and checked again here, so Dialpad's undocumented default filter never decides.
   */
  findUsersByEmail(email: string, state?: UserStateFilter): Promise<DialpadUser[]>;
  getUser(userId: string): Promise<DialpadUser>;
  /**
   * Every user of the company, page by page (`GET /users?state=&cursor=`, never with `limit`);
   * `state` as for `findUsersByEmail`.
   */
  listUsers(filter?: { state?: UserStateFilter }): AsyncIterable<DialpadUser>;
  /** One page of `listUsers`, for walks that must resume where they stopped (import). */
  listUsersPage(cursor: string | undefined, filter?: { state?: UserStateFilter }): Promise<UsersPage>;
  createUser(request: CreateUserRequest): Promise<DialpadUser>;
  /** `PATCH /users/{id}`: only the fields given change. `state` takes active or suspended only. */
  updateUser(userId: string, patch: UpdateUserRequest): Promise<DialpadUser>;
  /**
   * `PATCH /users/{id}/move_office`. Needs a free licence of the user's line in the target office
   * (else `no_seats`); between countries Dialpad unassigns the user's numbers.
   */
  moveOffice(userId: string, officeId: string): Promise<DialpadUser>;
  /** Permanent. Answers the user with `state: "deleted"`. */
  deleteUser(userId: string): Promise<DialpadUser>;
  /**
   * `POST /users/{id}/assign_number`. Answers the NUMBER (spec `NumberProto`: `number`, `status`,
   * `target_id`...), not the user: read the assigned number from `.number`.
   */
  assignNumber(userId: string, request: AssignNumberRequest): Promise<NumberAssignment>;
  /** `POST /users/{id}/unassign_number` `{number}`. Answers the number, now `status: "available"` or released. */
  unassignNumber(userId: string, number: string): Promise<NumberAssignment>;
  /**
   * `POST /numbers/{number}/assign`: hands a company number (E.164) to a user, department, call
   * center, office... taking it from its current holder. Answers the number.
   */
  assignNumberToTarget(number: string, request: AssignNumberToTargetRequest): Promise<NumberAssignment>;
  /**
   * `DELETE /numbers/{number}`: takes the number from whoever holds it, back to the company's
   * reserved pool; with `release: true` the company gives the number up altogether.
   */
  unassignNumberFromHolder(number: string, options?: { release?: boolean }): Promise<NumberAssignment>;
  listOffices(): AsyncIterable<Office>;
  getOffice(officeId: string): Promise<Office>;
  getAvailableLicenses(officeId: string): Promise<AvailableLicenses>;
  listCallCenters(filter?: { officeId?: string }): AsyncIterable<CallCenter>;
  getCallCenter(callCenterId: string): Promise<CallCenter>;
  listDepartments(filter?: { officeId?: string }): AsyncIterable<Department>;
  getDepartment(departmentId: string): Promise<Department>;
  listOperators(callCenterId: string): Promise<Operators>;
  addOperator(callCenterId: string, request: AddOperatorRequest): Promise<unknown>;
  /** `DELETE /callcenters/{id}/operators` with a JSON body `{user_id}`. */
  removeOperator(callCenterId: string, userId: string): Promise<unknown>;
  createWebhook(hookUrl: string, secret: string): Promise<{ id: string }>;
  subscribeToChangelog(webhookId: string): Promise<unknown>;
}

/** Called before every HTTP request to Dialpad and told about every 429. */
export interface RateLimiter {
  acquire(): Promise<void>;
  onThrottled(retryAfterMs: number | undefined): Promise<void>;
}

/** Told about every finished HTTP exchange with Dialpad (including retried ones). */
export interface DialpadMetricsHook {
  onResponse(sample: {
    method: string;
    /** Path template, e.g. `/users/{id}`: never ids, emails or keys. */
    route: string;
    status: number | "timeout" | "network_error";
    latencyMs: number;
    attempt: number;
  }): void;
}

/** Supplies the API key; `refresh` after a 401 re-reads it (a rotated key needs no deploy). */
export interface ApiKeyProvider {
  get(): Promise<string>;
  refresh(): Promise<string>;
}
