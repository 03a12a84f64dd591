/**
 * `DialpadClient`: the one implementation of `DialpadApi` that speaks HTTP to Dialpad. It owns the
 * request policy every call shares: rate limiter before each attempt, bearer key (refreshed once
 * after a 401), per-request timeout, response validation, error mapping, retries, metrics.
 *
 * Retry policy, in short:
 * - 429: always repeated (Dialpad did nothing), after `Retry-After` when given, else back-off; the
 *   shared limiter is told so every worker slows down.
 * - 5xx, timeout, connection lost, or a 2xx whose body does not match its schema: repeated only for
 *   requests that are safe to repeat (GET, PATCH, DELETE, unassign_number). Requests that create
 *   something are not: the error is `transient` with `ambiguous: true` and the caller checks
 *   Dialpad before trying again. A connection refused before sending is repeated for every request.
 * - Inside `withCallDeadline` (call-deadline.ts) no attempt or wait runs past the deadline: an
 *   attempt's timeout is cut to it, and a retry that would start after it is not made.
 * - A 2xx body that does not validate is treated as a transient protocol fault rather than
 *   `rejected`: Dialpad accepted the request, what broke is the answer (a proxy page, a truncated
 *   body, a field of an unexpected type), which is what a later attempt or a re-read can fix.
 */
import type * as z from "zod";
import { parseJsonKeepingBigIntegers } from "../http/lossless-json";
import type { ApiKeyProvider, DialpadApi, DialpadMetricsHook, RateLimiter, UsersPage } from "./api";
import { callDeadline } from "./call-deadline";
import { clean, responseError } from "./error-mapping";
import { DialpadError } from "./errors";
import { type ExchangeOutcome, exchange, type HttpMethod } from "./http-exchange";
import { paginate } from "./pagination";
import { backoffDelayMs, parseRetryAfterMs } from "./retry-policy";
import {
  type AddOperatorRequest,
  type AssignNumberRequest,
  type AssignNumberToTargetRequest,
  type AvailableLicenses,
  availableLicenses,
  type CallCenter,
  type ChangelogSubscription,
  type CreateUserRequest,
  callCenter,
  changelogSubscription,
  type Department,
  type DialpadUser,
  department,
  dialpadUser,
  E164_NUMBER,
  type NumberAssignment,
  numberAssignment,
  type Office,
  type OperatorEntry,
  type Operators,
  office,
  operatorEntry,
  operators,
  page,
  type UpdateUserRequest,
  type UserStateFilter,
  type Webhook,
  webhook,
} from "./schemas";

export interface DialpadClientOptions {
  /** Up to and including `/api/v2`, e.g. `https://dialpad.com/api/v2`. */
  baseUrl: string;
  apiKey: ApiKeyProvider;
  rateLimiter?: RateLimiter;
  metrics?: DialpadMetricsHook;
  /** Per attempt, response body included. Default 10 000. */
  timeoutMs?: number;
  /** Attempts per call, the first one included (a retry after a key refresh is extra). Default 5. */
  maxAttempts?: number;
  /** Back-off: `random() * min(maxDelayMs, baseDelayMs * 2^retry)`. Defaults 200 / 10 000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A 429 whose `Retry-After` is longer than this is not waited out inside the call: the
   * `rate_limited` error (with `retryAfterMs`) goes to the caller, who can re-queue the job with a
   * delay instead of holding a Lambda. Default 30 000.
   */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Wall clock in ms (HTTP-date `Retry-After`, latency). Default `Date.now`. */
  now?: () => number;
}

interface Operation<T> {
  method: HttpMethod;
  /** Template relative to the base URL, as in the spec: `/users/{id}`. Used in metrics and errors. */
  route: string;
  pathParams?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  response: z.ZodType<T>;
  /** Dialpad applying it twice leaves the same state, so an ambiguous failure may be repeated. */
  repeatable: boolean;
}

/** A failed attempt the loop may repeat: what to throw if it does not, and whether it was sent. */
interface TransientFailure {
  error: DialpadError;
  requestMayHaveBeenSent: boolean;
}

const NUMERIC_ID = /^\d+$/;

/** The look-up's state filter holds for this user; a user whose state is not given is kept. */
function inState(user: DialpadUser, state: UserStateFilter | undefined): boolean {
  if (state === "all") return true;
  if (state === undefined) return user.state !== "deleted";
  return user.state === undefined || user.state === state;
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DialpadClient implements DialpadApi {
  private readonly baseUrl: string;
  private readonly apiKey: ApiKeyProvider;
  private readonly rateLimiter?: RateLimiter;
  private readonly metrics?: DialpadMetricsHook;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: DialpadClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.rateLimiter = options.rateLimiter;
    this.metrics = options.metrics;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  // Users

  async findUsersByEmail(email: string, state?: UserStateFilter): Promise<DialpadUser[]> {
    const users: DialpadUser[] = [];
    for await (const user of this.pages("/users", dialpadUser, { email, state: state ?? "all" })) {
      // Dialpad filtered by email; a user that shows its emails must still own this one.
      const ownsEmail = user.emails === undefined || user.emails.some((e) => sameEmail(e, email));
      if (ownsEmail && inState(user, state)) users.push(user);
    }
    return users;
  }

  getUser(userId: string): Promise<DialpadUser> {
    return this.send({
      method: "GET",
      route: "/users/{id}",
      pathParams: { id: userId },
      response: dialpadUser,
      repeatable: true,
    });
  }

  /** Never sends `limit`: Dialpad deprecated it on `/users` and answers 400 to some requests carrying it. */
  async *listUsers(filter: { state?: UserStateFilter } = {}): AsyncIterable<DialpadUser> {
    for await (const user of this.pages("/users", dialpadUser, { state: filter.state ?? "all" })) {
      if (inState(user, filter.state)) yield user;
    }
  }

  async listUsersPage(
    cursor: string | undefined,
    filter: { state?: UserStateFilter } = {},
  ): Promise<UsersPage> {
    const page = await this.send({
      method: "GET",
      route: "/users",
      query: { state: filter.state ?? "all", cursor },
      response: this.pageOf(dialpadUser),
      repeatable: true,
    });
    const users = (page.items ?? []).filter((user) => inState(user, filter.state));
    return page.cursor ? { users, cursor: page.cursor } : { users };
  }

  createUser(request: CreateUserRequest): Promise<DialpadUser> {
    return this.send({
      method: "POST",
      route: "/users",
      body: request,
      response: dialpadUser,
      repeatable: false,
    });
  }

  updateUser(userId: string, patch: UpdateUserRequest): Promise<DialpadUser> {
    return this.send({
      method: "PATCH",
      route: "/users/{id}",
      pathParams: { id: userId },
      body: patch,
      response: dialpadUser,
      repeatable: true,
    });
  }

  /** Repeatable: moving to the office the user is already in changes nothing. */
  moveOffice(userId: string, officeId: string): Promise<DialpadUser> {
    return this.send({
      method: "PATCH",
      route: "/users/{id}/move_office",
      pathParams: { id: userId },
      body: { office_id: officeId },
      response: dialpadUser,
      repeatable: true,
    });
  }

  /** Repeatable: a repeat after an ambiguous first attempt may answer 404 (already deleted). */
  deleteUser(userId: string): Promise<DialpadUser> {
    return this.send({
      method: "DELETE",
      route: "/users/{id}",
      pathParams: { id: userId },
      response: dialpadUser,
      repeatable: true,
    });
  }

  /** Not repeatable: a second attempt could hand the user a second number. */
  assignNumber(userId: string, request: AssignNumberRequest): Promise<NumberAssignment> {
    return this.send({
      method: "POST",
      route: "/users/{id}/assign_number",
      pathParams: { id: userId },
      body: request,
      response: numberAssignment,
      repeatable: false,
    });
  }

  unassignNumber(userId: string, number: string): Promise<NumberAssignment> {
    return this.send({
      method: "POST",
      route: "/users/{id}/unassign_number",
      pathParams: { id: userId },
      body: { number },
      response: numberAssignment,
      repeatable: true,
    });
  }

  /**
   * Repeatable, unlike `assignNumber`: it names the number and the holder, so a second attempt finds
   * the number already where it should be.
   */
  async assignNumberToTarget(
    number: string,
    request: AssignNumberToTargetRequest,
  ): Promise<NumberAssignment> {
    this.requireNumericId("target_id", request.target_id, "/numbers/{number}/assign");
    return this.send({
      method: "POST",
      route: "/numbers/{number}/assign",
      pathParams: { number },
      body: request,
      response: numberAssignment,
      repeatable: true,
    });
  }

  /** Repeatable: a repeat after a release that went through may answer 404 (no longer the company's). */
  unassignNumberFromHolder(number: string, options: { release?: boolean } = {}): Promise<NumberAssignment> {
    return this.send({
      method: "DELETE",
      route: "/numbers/{number}",
      pathParams: { number },
      query: { release: options.release ? "true" : undefined },
      response: numberAssignment,
      repeatable: true,
    });
  }

  // Offices and seats

  listOffices(): AsyncIterable<Office> {
    return this.pages("/offices", office, {});
  }

  getOffice(officeId: string): Promise<Office> {
    return this.send({
      method: "GET",
      route: "/offices/{id}",
      pathParams: { id: officeId },
      response: office,
      repeatable: true,
    });
  }

  getAvailableLicenses(officeId: string): Promise<AvailableLicenses> {
    return this.send({
      method: "GET",
      route: "/offices/{office_id}/available_licenses",
      pathParams: { office_id: officeId },
      response: availableLicenses,
      repeatable: true,
    });
  }

  // Call centers

  listCallCenters(filter: { officeId?: string } = {}): AsyncIterable<CallCenter> {
    return this.pages("/callcenters", callCenter, { office_id: filter.officeId });
  }

  getCallCenter(callCenterId: string): Promise<CallCenter> {
    return this.send({
      method: "GET",
      route: "/callcenters/{id}",
      pathParams: { id: callCenterId },
      response: callCenter,
      repeatable: true,
    });
  }

  // Departments

  listDepartments(filter: { officeId?: string } = {}): AsyncIterable<Department> {
    return this.pages("/departments", department, { office_id: filter.officeId });
  }

  getDepartment(departmentId: string): Promise<Department> {
    return this.send({
      method: "GET",
      route: "/departments/{id}",
      pathParams: { id: departmentId },
      response: department,
      repeatable: true,
    });
  }

  listOperators(callCenterId: string): Promise<Operators> {
    return this.send({
      method: "GET",
      route: "/callcenters/{id}/operators",
      pathParams: { id: callCenterId },
      response: operators,
      repeatable: true,
    });
  }

  addOperator(callCenterId: string, request: AddOperatorRequest): Promise<OperatorEntry> {
    return this.send({
      method: "POST",
      route: "/callcenters/{id}/operators",
      pathParams: { id: callCenterId },
      body: request,
      response: operatorEntry,
      repeatable: false,
    });
  }

  /** DELETE with a JSON body: the spec puts `user_id` there, not in the path. */
  removeOperator(callCenterId: string, userId: string): Promise<OperatorEntry> {
    return this.send({
      method: "DELETE",
      route: "/callcenters/{id}/operators",
      pathParams: { id: callCenterId },
      body: { user_id: userId },
      response: operatorEntry,
      repeatable: true,
    });
  }

  // Webhooks

  createWebhook(hookUrl: string, secret: string): Promise<Webhook> {
    return this.send({
      method: "POST",
      route: "/webhooks",
      body: { hook_url: hookUrl, secret },
      response: webhook,
      repeatable: false,
    });
  }

  async subscribeToChangelog(webhookId: string): Promise<ChangelogSubscription> {
    this.requireNumericId("endpoint_id", webhookId, "/subscriptions/changelog");
    return this.send({
      method: "POST",
      route: "/subscriptions/changelog",
      body: { endpoint_id: webhookId, enabled: true },
      response: changelogSubscription,
      repeatable: false,
    });
  }

  // Request policy

  private pages<T>(
    route: string,
    item: z.ZodType<T>,
    query: Record<string, string | undefined>,
  ): AsyncIterable<T> {
    const response = this.pageOf(item);
    return paginate(
      (cursor) =>
        this.send({ method: "GET", route, query: { ...query, cursor }, response, repeatable: true }),
      { method: "GET", route },
    );
  }

  private pageOf<T>(item: z.ZodType<T>) {
    return page(item) as unknown as z.ZodType<{ items?: T[]; cursor?: string | null }>;
  }

  private async send<T>(operation: Operation<T>): Promise<T> {
    const { method, route } = operation;
    const url = this.url(operation);
    const deadline = callDeadline();
    const timeUp = () =>
      new DialpadError("transient", `Dialpad ${method} ${route} not sent: the caller's time is up`, {
        method,
        route,
      });
    /** Waits before a retry, unless the wait would end past the caller's deadline. */
    const pause = async (ms: number, error: DialpadError, attempt: number) => {
      if (deadline !== undefined && this.now() + ms >= deadline) throw this.gaveUp(error, attempt);
      await this.sleep(ms);
    };
    let keyRefreshed = false;
    let retries = 0;
    for (let attempt = 1; ; attempt++) {
      await this.rateLimiter?.acquire();
      const timeoutMs = Math.min(this.timeoutMs, (deadline ?? Number.POSITIVE_INFINITY) - this.now());
      if (timeoutMs <= 0) throw timeUp();
      const apiKey = await this.apiKey.get();
      const started = this.now();
      const outcome = await exchange(this.fetchImpl, {
        method,
        url,
        apiKey,
        body: operation.body,
        timeoutMs,
      });
      this.report(operation, outcome, this.now() - started, attempt);
      // The attempt after a key refresh does not use up the failure budget.
      const attemptsLeft = this.maxAttempts - (attempt - (keyRefreshed ? 1 : 0));
      const context = { method, route, apiKey };

      let failure: TransientFailure;
      if (outcome.type === "response") {
        const { status } = outcome;
        if (status >= 200 && status < 300) {
          const parsed = this.parseBody(operation, outcome.text, apiKey);
          if (parsed.ok) return parsed.value;
          failure = { error: parsed.error, requestMayHaveBeenSent: true };
        } else if (status === 401 && !keyRefreshed) {
          // A rotated key: re-read it once. A refresh that fails is the key store's error, not Dialpad's.
          keyRefreshed = true;
          await this.apiKey.refresh();
          continue;
        } else if (status === 429) {
          const retryAfterMs = parseRetryAfterMs(outcome.headers.get("retry-after"), this.now());
          await this.rateLimiter?.onThrottled(retryAfterMs);
          const error = responseError(context, status, outcome.text, { retryAfterMs });
          if (attemptsLeft <= 0 || (retryAfterMs ?? 0) > this.maxRetryAfterMs) {
            throw this.gaveUp(error, attempt);
          }
          await pause(retryAfterMs ?? this.backoff(retries), error, attempt);
          retries++;
          continue;
        } else {
          const error = responseError(context, status, outcome.text);
          if (error.kind !== "transient") throw error;
          failure = { error, requestMayHaveBeenSent: true };
        }
      } else if (outcome.type === "timeout") {
        failure = {
          error: new DialpadError("transient", `Dialpad ${method} ${route} timed out after ${timeoutMs} ms`, {
            method,
            route,
          }),
          requestMayHaveBeenSent: true,
        };
      } else {
        failure = {
          error: new DialpadError(
            "transient",
            `Dialpad ${method} ${route} connection failed (${outcome.code})`,
            {
              method,
              route,
            },
          ),
          requestMayHaveBeenSent: outcome.requestMayHaveBeenSent,
        };
      }

      if (failure.requestMayHaveBeenSent && !operation.repeatable) throw ambiguous(failure.error);
      if (attemptsLeft <= 0) throw this.gaveUp(failure.error, attempt);
      await pause(this.backoff(retries), failure.error, attempt);
      retries++;
    }
  }

  private parseBody<T>(
    operation: Operation<T>,
    text: string,
    apiKey: string,
  ): { ok: true; value: T } | { ok: false; error: DialpadError } {
    const { method, route } = operation;
    const fail = (why: string) => ({
      ok: false as const,
      error: new DialpadError("transient", `Dialpad ${method} ${route} answered 2xx with ${why}`, {
        method,
        route,
      }),
    });
    let json: unknown;
    try {
      // Ids are int64: one sent as a bare JSON number above 2^53 must not be rounded.
      json = parseJsonKeepingBigIntegers(text);
    } catch {
      return fail("a body that is not JSON");
    }
    const parsed = operation.response.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`,
    );
    return fail(`a body that does not match its schema (${clean(issues.join("; "), apiKey)})`);
  }

  private report(
    operation: Operation<unknown>,
    outcome: ExchangeOutcome,
    latencyMs: number,
    attempt: number,
  ) {
    if (this.metrics === undefined) return;
    const status = outcome.type === "response" ? outcome.status : outcome.type;
    try {
      this.metrics.onResponse({
        method: operation.method,
        route: operation.route,
        status,
        latencyMs,
        attempt,
      });
    } catch {
      // Metrics must never fail a Dialpad call.
    }
  }

  private backoff(retry: number): number {
    return backoffDelayMs(retry, {
      baseDelayMs: this.baseDelayMs,
      maxDelayMs: this.maxDelayMs,
      random: this.random,
    });
  }

  private gaveUp(error: DialpadError, attempts: number): DialpadError {
    if (attempts <= 1) return error;
    return new DialpadError(error.kind, `${error.message} (gave up after ${attempts} attempts)`, {
      status: error.status,
      method: error.method,
      route: error.route,
      retryAfterMs: error.retryAfterMs,
    });
  }

  private url(operation: Operation<unknown>): string {
    const path = operation.route.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = operation.pathParams?.[name];
      if (value === undefined) throw new Error(`No value for {${name}} in ${operation.route}`);
      const checked =
        name === "number"
          ? this.requireE164(value, operation.route)
          : this.requireNumericId(name, value, operation.route);
      return encodeURIComponent(checked);
    });
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(operation.query ?? {})) {
      if (value !== undefined && value !== "") query.set(name, value);
    }
    const search = query.size > 0 ? `?${query}` : "";
    return `${this.baseUrl}${path}${search}`;
  }

  /**
   * Ids are int64 digit strings. Anything else (typically an email where an id belongs: there is no
   * `/users/{email}`) is our bug; fail before spending rate budget. The value is not echoed.
   */
  private requireNumericId(name: string, value: string, route: string): string {
    if (!NUMERIC_ID.test(value)) {
      throw new DialpadError("rejected", `Dialpad ${route}: {${name}} must be a numeric Dialpad id`, {
        route,
        retryable: false,
      });
    }
    return value;
  }

  /** Numbers in a path are E.164 (`+14155550100`); anything else is our bug. Not echoed either. */
  private requireE164(value: string, route: string): string {
    if (!E164_NUMBER.test(value)) {
      throw new DialpadError("rejected", `Dialpad ${route}: {number} must be an E.164 number`, {
        route,
        retryable: false,
      });
    }
    return value;
  }
}

function ambiguous(error: DialpadError): DialpadError {
  return new DialpadError(
    error.kind,
    `${error.message} (the request may have been applied: check Dialpad before repeating it)`,
    { status: error.status, method: error.method, route: error.route, ambiguous: true },
  );
}
