/**
 * Assembles the sandbox: the seeded company (domain), the change-log dispatcher, the traffic layer
 * (rate limit, latency, faults, stats) and the HTTP server, and hands tests one `Sandbox` object to
 * drive and inspect it. The /__sandbox/ control routes are a thin HTTP face of that same object.
 */
import { performance } from "node:perf_hooks";
import { IdSequence } from "./domain/id-sequence";
import type { ChangeActor, OperatorRole, Seats } from "./domain/model";
import { addSeedUsers, seededDialpadState } from "./domain/seed-data";
import { userToWire } from "./domain/wire-format";
import { apiPipeline } from "./http/api-pipeline";
import { apiRoutes } from "./http/api-routes";
import { controlRoutes } from "./http/control-routes";
import { startHttpServer } from "./http/server";
import type {
  ByHandActions,
  CallCenterView,
  Sandbox,
  SandboxControls,
  SandboxSettings,
  SandboxStateView,
} from "./sandbox-api";
import { seededRandom } from "./seeded-random";
import { FaultInjector } from "./traffic/faults";
import { Latency } from "./traffic/latency";
import { DEFAULT_NEIGHBOUR, type NeighbourSettings, NeighbourTraffic } from "./traffic/neighbour";
import { OperationRateLimit } from "./traffic/operation-limit";
import { CompanyRateLimit } from "./traffic/rate-limiter";
import { TrafficStats } from "./traffic/traffic-stats";
import { ChangeLogDispatcher } from "./webhooks/change-log-dispatcher";

export interface SandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** Default "sandbox-api-key". */
  apiKey?: string;
  /** Company-wide limit in any 1-second sliding window; default 20 (Dialpad's). */
  rateLimitPerSecond?: number;
  /** Dialpad's per-operation limit in any 60-second window; default 1200 (the spec's). */
  operationLimitPerMinute?: number;
  /** Another integration spending the company's limit; default off. */
  neighbour?: Partial<NeighbourSettings>;
  /** Mean response delay; default 150. Use 0 (with jitterMs 0) for fast tests. */
  latencyMs?: number;
  /** Uniform jitter either side of the mean; default 50. */
  jitterMs?: number;
  /** Active users in HQ at start (`seed-user-0001@example.com`, ...); default 0. */
  seedUsers?: number;
  /** Free seats of every office per line; default 1000 talk, 200 sell, 100 contact center. */
  seats?: Partial<Seats>;
  /** Default 100 (Dialpad's). */
  usersPageSize?: number;
  /** Default 10, so the 13 seeded offices span two pages. */
  officesPageSize?: number;
  /** Default 10. */
  callCentersPageSize?: number;
  /** Chance that `GET /users` with `limit` answers 400; default 0.2. */
  limitParamFailureRate?: number;
  /** Whether the key may subscribe to the change log (else 403); default true. */
  changeLogScope?: boolean;
  /** How long an injected timeout hangs before the connection drops; default 30 s. */
  timeoutHangMs?: number;
  /**
   * What `GET /users` without `state` lists (Dialpad does not document its default): "not_deleted"
   * (default) or "active", the strict reading under which suspended users are hidden.
   */
  usersDefaultState?: "not_deleted" | "active";
  /** Answer `null` for unset fields instead of leaving them out (the spec allows both); default false. */
  nullForUnset?: boolean;
  /**
   * Whether the company has a reserved pool (default true). Without one, an unassigned number and
   * the numbers left on a deleted user are released, as the spec says: they leave the company.
   */
  reservedPool?: boolean;
  /** Waits before each webhook retry after a 5xx; default [200, 400, 800]. */
  webhookRetryDelaysMs?: number[];
  /** Default 5000 (Dialpad's delivery deadline). */
  webhookTimeoutMs?: number;
  /** Requests kept in `stats().recentRequests`; default 500. */
  requestLogSize?: number;
  /** Random source for latency jitter and the `limit` failures; default a fixed-seed generator. */
  random?: () => number;
  /** Wall clock for timestamps (date_added, event dates, log); default the real one. */
  clock?: () => Date;
  /** Milliseconds on a monotonic clock, for the rate limit's windows and the stats; default performance.now. */
  monotonicClock?: () => number;
}

export const DEFAULT_API_KEY = "sandbox-api-key";

/**
 * The strict modes from the environment, for local mode and the stand-alone sandbox:
 * SANDBOX_NULL_FOR_UNSET=1 answers `null` for unset fields, SANDBOX_USERS_DEFAULT_STATE=active
 * makes `GET /users` without `state` list active users only, SANDBOX_NO_RESERVED_POOL=1 makes a
 * company without a reserved pool (an unassigned number is released). SANDBOX_NEIGHBOUR=steady|bursty
 * starts another integration spending the company's limit (SANDBOX_NEIGHBOUR_RPS, default 5;
 * SANDBOX_NEIGHBOUR_BURST, default 15, every SANDBOX_NEIGHBOUR_BURST_EVERY_MS, default 3000).
 */
export function sandboxModesFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<SandboxOptions, "nullForUnset" | "usersDefaultState" | "reservedPool" | "neighbour"> {
  return {
    neighbour: neighbourFromEnv(env),
    nullForUnset: env.SANDBOX_NULL_FOR_UNSET === "1",
    usersDefaultState: env.SANDBOX_USERS_DEFAULT_STATE === "active" ? "active" : "not_deleted",
    reservedPool: env.SANDBOX_NO_RESERVED_POOL !== "1",
  };
}
function neighbourFromEnv(env: NodeJS.ProcessEnv): Partial<NeighbourSettings> {
  const mode = env.SANDBOX_NEIGHBOUR || "off";
  if (mode !== "off" && mode !== "steady" && mode !== "bursty") {
    throw new Error("SANDBOX_NEIGHBOUR must be off, steady or bursty");
  }
  const positive = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
    return parsed;
  };
  return {
    neighbourMode: mode,
    neighbourRatePerSecond: positive("SANDBOX_NEIGHBOUR_RPS", DEFAULT_NEIGHBOUR.neighbourRatePerSecond),
    neighbourBurstSize: positive("SANDBOX_NEIGHBOUR_BURST", DEFAULT_NEIGHBOUR.neighbourBurstSize),
    neighbourBurstEveryMs: positive(
      "SANDBOX_NEIGHBOUR_BURST_EVERY_MS",
      DEFAULT_NEIGHBOUR.neighbourBurstEveryMs,
    ),
  };
}

const COMPANY_ID = "5137304475768568001";
const API_ACTOR: ChangeActor = { name: "API", id: "5137304475768568002", type: "api_key" };
const ADMIN_ACTOR: ChangeActor = { name: "Sandbox Admin", id: "5137304475768568003", type: "user" };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const random = options.random ?? seededRandom(20_240_601);
  const clock = options.clock ?? (() => new Date());
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const settings: SandboxSettings = {
    rateLimitPerSecond: options.rateLimitPerSecond ?? 20,
    operationLimitPerMinute: options.operationLimitPerMinute ?? 1200,
    ...DEFAULT_NEIGHBOUR,
    ...options.neighbour,
    latencyMs: options.latencyMs ?? 150,
    jitterMs: options.jitterMs ?? 50,
    usersPageSize: options.usersPageSize ?? 100,
    officesPageSize: options.officesPageSize ?? 10,
    callCentersPageSize: options.callCentersPageSize ?? 10,
    limitParamFailureRate: options.limitParamFailureRate ?? 0.2,
    changeLogScope: options.changeLogScope ?? true,
    timeoutHangMs: options.timeoutHangMs ?? 30_000,
    usersDefaultState: options.usersDefaultState ?? "not_deleted",
    nullForUnset: options.nullForUnset ?? false,
    reservedPool: options.reservedPool ?? true,
  };

  const state = seededDialpadState({
    ids: new IdSequence(),
    companyId: COMPANY_ID,
    clock,
    seatsPerOffice: { talk_lines: 1000, sell_lines: 200, contact_center_lines: 100, ...options.seats },
    reservedPool: () => settings.reservedPool,
    seedUsers: options.seedUsers,
  });
  const dispatcher = new ChangeLogDispatcher(state, {
    retryDelaysMs: options.webhookRetryDelaysMs ?? [200, 400, 800],
    attemptTimeoutMs: options.webhookTimeoutMs ?? 5000,
    logSize: 500,
  });
  const limiter = new CompanyRateLimit(settings.rateLimitPerSecond);
  const operationLimiter = new OperationRateLimit(settings.operationLimitPerMinute);
  const monotonicNow = options.monotonicClock ?? (() => performance.now());
  const neighbour = new NeighbourTraffic();
  neighbour.configure(settings, monotonicNow());
  const latency = new Latency({ meanMs: settings.latencyMs, jitterMs: settings.jitterMs }, random);
  const faults = new FaultInjector();
  const stats = new TrafficStats(options.requestLogSize ?? 500);
  const hangs = new Set<NodeJS.Timeout>();

  const resolveOffice = (idOrName: string) =>
    state.offices().find((office) => office.id === idOrName || office.name === idOrName);
  const callCenterView = (idOrName: string): CallCenterView | undefined => {
    const cc = state.callCenters().find((c) => c.id === idOrName || c.name === idOrName);
    return cc && { id: cc.id, name: cc.name, officeId: cc.officeId, operators: operatorList(cc.operators) };
  };
  const copy = <T>(value: T): T => structuredClone(value);

  const byHand: ByHandActions = {
    createUser: (input) =>
      copy(
        state.createUser(
          {
            email: input.email,
            officeId: input.officeId ?? state.officeByName("HQ")!.id,
            firstName: input.firstName,
            lastName: input.lastName,
            license: input.license,
          },
          ADMIN_ACTOR,
        ),
      ),
    suspendUser: (userId) => copy(state.updateUser(userId, { state: "suspended" }, ADMIN_ACTOR)),
    reactivateUser: (userId) => copy(state.updateUser(userId, { state: "active" }, ADMIN_ACTOR)),
    deleteUser: (userId) => copy(state.deleteUser(userId, ADMIN_ACTOR)),
    addOperator: (callCenterId, userId, role) =>
      copy(state.addOperator(callCenterId, userId, role, ADMIN_ACTOR)),
    removeOperator: (callCenterId, userId) => copy(state.removeOperator(callCenterId, userId, ADMIN_ACTOR)),
    addDepartmentOperator: (departmentId, userId, role) =>
      copy(state.addDepartmentOperator(departmentId, userId, role, ADMIN_ACTOR)),
  };

  const stateView: SandboxStateView = {
    users: (filter) => copy(state.users(filter)),
    user: (userId) => copy(state.users({ state: "all" }).find((u) => u.id === userId)),
    userByEmail: (email) => copy(state.users({ email })[0]),
    offices: () => copy(state.offices()),
    office: (idOrName) => copy(resolveOffice(idOrName)),
    availableSeats: (officeId) => copy(state.office(officeId).availableSeats),
    callCenters: () => state.callCenters().map((cc) => callCenterView(cc.id)!),
    callCenter: callCenterView,
    department: (idOrName) => copy(state.departments().find((d) => d.id === idOrName || d.name === idOrName)),
    departments: () => copy(state.departments()),
    numbers: () => copy(state.numbers()),
    number: (e164) => copy(state.number(e164)),
    reservedNumbers: (areaCode) =>
      state
        .numbers()
        .filter((n) => n.status === "available" && (areaCode === undefined || n.areaCode === areaCode))
        .map((n) => n.number),
    snapshot: () => {
      const { webhooks, subscriptions } = state.webhooks();
      return copy({
        companyId: state.companyId,
        offices: state.offices(),
        users: state
          .users({ state: "all" })
          .map((u) => ({ ...u, callCenterIds: state.memberships(u.id).map((m) => m.callCenterId) })),
        callCenters: stateView.callCenters(),
        departments: state.departments(),
        numbers: state.numbers(),
        webhooks: webhooks.map((w) => ({
          id: w.id,
          hookUrl: w.hookUrl,
          signed: w.secret !== undefined,
          subscribed: subscriptions.some((s) => s.webhookId === w.id && s.enabled),
        })),
      });
    },
  };

  const configure = (changes: Partial<SandboxSettings>) => {
    Object.assign(settings, changes);
    limiter.setLimit(settings.rateLimitPerSecond);
    operationLimiter.setLimit(settings.operationLimitPerMinute);
    // Any neighbour setting restarts its schedule now (turning it on starts a burst at once).
    if (Object.keys(changes).some((key) => key.startsWith("neighbour")))
      neighbour.configure(settings, monotonicNow());
    latency.configure({ meanMs: settings.latencyMs, jitterMs: settings.jitterMs });
  };

  const handleApi = apiPipeline({
    routes: apiRoutes(state, settings, API_ACTOR, random),
    apiKey,
    limiter,
    operationLimiter,
    neighbour,
    faults,
    latency,
    stats,
    timeoutHangMs: () => settings.timeoutHangMs,
    nullForUnset: () => settings.nullForUnset,
    monotonicNow,
    wallClock: clock,
    trackHang: (timer) => hangs.add(timer),
  });

  const controls: SandboxControls = {
    stats: () => stats.snapshot(),
    // The rate window is Dialpad's state, not a statistic: it survives a stats reset.
    resetStats: () => {
      stats.reset();
      neighbour.resetStats();
    },
    neighbourStats: () => neighbour.stats(),
    injectFaults: (spec) => faults.inject(spec),
    clearFaults: () => faults.clear(),
    configure,
    settings: () => ({ ...settings }),
    byHand,
    seed: {
      users: (count, seedOptions) => addSeedUsers(state, count, seedOptions),
      seats: (officeId, seats) => void state.setAvailableSeats(officeId, seats),
    },
    state: stateView,
    webhookDeliveries: () => dispatcher.recentDeliveries(),
    webhooksIdle: () => dispatcher.idle(),
  };
  const server = await startHttpServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    handleApi,
    control: controlRoutes(controls, (userId) => userToWire(state.user(userId), state)),
  });
  return {
    url: server.url,
    baseUrl: `${server.url}/api/v2`,
    apiKey,
    ...controls,
    stop: async () => {
      for (const timer of hangs) clearTimeout(timer);
      hangs.clear();
      await dispatcher.stop();
      await server.stop();
    },
  };
}

function operatorList(operators: Map<string, OperatorRole>) {
  return [...operators].map(([userId, role]) => ({ userId, role }));
}
