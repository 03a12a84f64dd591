/**
 * The port every other module uses to speak to Dialpad. `DialpadClient` (client.ts) is the one
 * implementation that talks HTTP; nothing else in the code base calls Dialpad.
 */
import type {
  AddOperatorRequest,
  AssignNumberRequest,
  AvailableLicenses,
  CallCenter,
  CreateUserRequest,
  DialpadUser,
  DialpadUserState,
  NumberAssignment,
  Office,
  Operators,
  UpdateUserRequest,
} from "./schemas";

export interface DialpadApi {
  /** `GET /users?email=` (optionally `&state=`): the users owning that email, all pages. */
  findUsersByEmail(email: string, state?: DialpadUserState): Promise<DialpadUser[]>;
  getUser(userId: string): Promise<DialpadUser>;
  /** Every user of the company, page by page (`GET /users?cursor=`, never with `limit`). */
  listUsers(filter?: { state?: DialpadUserState }): AsyncIterable<DialpadUser>;
  createUser(request: CreateUserRequest): Promise<DialpadUser>;
  updateUser(userId: string, patch: UpdateUserRequest): Promise<DialpadUser>;
  /** Permanent. Answers the user with `state: "deleted"`. */
  deleteUser(userId: string): Promise<DialpadUser>;
  /**
   * `POST /users/{id}/assign_number`. Answers the NUMBER (spec `NumberProto`: `number`, `status`,
   * `target_id`...), not the user: read the assigned number from `.number`.
   */
  assignNumber(userId: string, request: AssignNumberRequest): Promise<NumberAssignment>;
  /** `POST /users/{id}/unassign_number` `{number}`. Answers the number, now `status: "available"` or released. */
  unassignNumber(userId: string, number: string): Promise<NumberAssignment>;
  listOffices(): AsyncIterable<Office>;
  getAvailableLicenses(officeId: string): Promise<AvailableLicenses>;
  listCallCenters(filter?: { officeId?: string }): AsyncIterable<CallCenter>;
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
