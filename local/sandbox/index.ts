/**
 * The Dialpad sandbox: a faithful in-process simulator of the Dialpad Admin API v2 endpoints the
 * lifecycle service uses (see docs/dialpad.md), for tests and local mode.
 */
export type { UserFilter } from "./domain/dialpad-state";
export { compareIds, FIRST_ID } from "./domain/id-sequence";
export type {
  Department,
  DepartmentOperatorRole,
  License,
  NumberHolderKind,
  Office,
  OperatorRole,
  PhoneNumber,
  SeatLine,
  Seats,
  User,
  UserChangeAction,
  UserState,
} from "./domain/model";
export { seatLineOf } from "./domain/model";
export { API_BASE_PATH } from "./http/api-pipeline";
export { CONTROL_BASE_PATH } from "./http/control-routes";
export type { SandboxOptions } from "./sandbox";
export { DEFAULT_API_KEY, sandboxModesFromEnv, startSandbox } from "./sandbox";
export type {
  ByHandActions,
  CallCenterView,
  NewUserByHand,
  Sandbox,
  SandboxSettings,
  SandboxSnapshot,
  SandboxStateView,
} from "./sandbox-api";
export { seededRandom } from "./seeded-random";
export type { FaultSpec } from "./traffic/faults";
export type { RequestLogEntry, SandboxStats } from "./traffic/traffic-stats";
export type { ChangeLogEvent, WebhookDelivery } from "./webhooks/change-log-dispatcher";
