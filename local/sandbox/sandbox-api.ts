/**
 * What the running sandbox offers its callers (tests, local mode) and its own /__sandbox/ control
 * routes: the contract sandbox.ts implements, kept apart so the control routes depend on it rather
 * than on the module that starts the server they are served from.
 */
import type { UserFilter } from "./domain/dialpad-state";
import type {
  Department,
  DepartmentOperatorRole,
  License,
  Office,
  OperatorRole,
  PhoneNumber,
  Seats,
  User,
} from "./domain/model";
import type { ApiSettings } from "./http/api-routes";
import type { FaultSpec } from "./traffic/faults";
import type { NeighbourCounts, NeighbourSettings } from "./traffic/neighbour";
import type { SandboxStats } from "./traffic/traffic-stats";
import type { WebhookDelivery } from "./webhooks/change-log-dispatcher";

/** Settings that can change while the sandbox runs (`configure`, `POST /__sandbox/config`). */
export interface SandboxSettings extends ApiSettings, NeighbourSettings {
  rateLimitPerSecond: number;
  /** Dialpad's per-operation limit (method + route), in any 60-second window; default 1200. */
  operationLimitPerMinute: number;
  latencyMs: number;
  jitterMs: number;
  timeoutHangMs: number;
  reservedPool: boolean;
}

export interface NewUserByHand {
  email: string;
  /** Default HQ. */
  officeId?: string;
  firstName?: string;
  lastName?: string;
  license?: License;
}

/** Changes an admin makes in Dialpad's UI, behind the service's back; they emit webhooks too. */
export interface ByHandActions {
  createUser(input: NewUserByHand): User;
  suspendUser(userId: string): User;
  reactivateUser(userId: string): User;
  deleteUser(userId: string): User;
  addOperator(callCenterId: string, userId: string, role: OperatorRole): User;
  removeOperator(callCenterId: string, userId: string): User;
  addDepartmentOperator(departmentId: string, userId: string, role: DepartmentOperatorRole): User;
}

export interface CallCenterView {
  id: string;
  name: string;
  officeId: string;
  operators: { userId: string; role: OperatorRole }[];
}

/** Read access for assertions; every answer is a copy. */
export interface SandboxStateView {
  /** Same filter as `GET /users`: no state = not deleted, `all` = everyone. */
  users(filter?: UserFilter): User[];
  user(userId: string): User | undefined;
  /** The live (not deleted) user owning that email. */
  userByEmail(email: string): User | undefined;
  offices(): Office[];
  /** By id or by name (`HQ`, `Remote`, ...). */
  office(idOrName: string): Office | undefined;
  availableSeats(officeId: string): Seats;
  callCenters(): CallCenterView[];
  callCenter(idOrName: string): CallCenterView | undefined;
  /** By id or by name (`Reception`, `London Reception`). */
  department(idOrName: string): Department | undefined;
  departments(): Department[];
  numbers(): PhoneNumber[];
  /** The company's number (any holder), undefined once released. */
  number(e164: string): PhoneNumber | undefined;
  /** Numbers still in the reserved block, optionally of one area code. */
  reservedNumbers(areaCode?: string): string[];
  snapshot(): SandboxSnapshot;
}

export interface SandboxSnapshot {
  companyId: string;
  offices: Office[];
  users: (User & { callCenterIds: string[] })[];
  callCenters: CallCenterView[];
  departments: Department[];
  numbers: PhoneNumber[];
  webhooks: { id: string; hookUrl: string; signed: boolean; subscribed: boolean }[];
}

export interface Sandbox {
  /** http://host:port */
  readonly url: string;
  /** url + "/api/v2" */
  readonly baseUrl: string;
  readonly apiKey: string;
  stats(): SandboxStats;
  resetStats(): void;
  /** What the simulated neighbour spent since the last stats reset. */
  neighbourStats(): NeighbourCounts;
  injectFaults(spec: FaultSpec): void;
  clearFaults(): void;
  configure(settings: Partial<SandboxSettings>): void;
  settings(): SandboxSettings;
  byHand: ByHandActions;
  seed: {
    /** Adds active users (HQ, talk by default); answers their ids. */
    users(count: number, options?: { officeId?: string; license?: License }): string[];
    /** Sets the free seats of an office. */
    seats(officeId: string, seats: Partial<Seats>): void;
  };
  state: SandboxStateView;
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves once every webhook delivery started so far has finished (retries included). */
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** What the control routes drive: everything but the server's own address, key and stop. */
export type SandboxControls = Omit<Sandbox, "url" | "baseUrl" | "apiKey" | "stop">;
