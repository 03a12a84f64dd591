/**
 * The sandbox's in-memory picture of one Dialpad company: offices with seats, users, call centers,
 * the reserved number block and webhook subscriptions. Plain data; the rules live in dialpad-state.ts.
 */

/** Licence types of `CreateUserMessage.license` in the vendored spec. */
export const LICENSES = [
  "admins",
  "agents",
  "dpde_all",
  "dpde_one",
  "lite_lines",
  "lite_support_agents",
  "magenta_lines",
  "talk",
] as const;
export type License = (typeof LICENSES)[number];

import type { SeatLine } from "../../../shared/dialpad/seat-lines";

/**
 * The seat lines the sandbox counts (the other lines of `AvailableLicensesProto` are always "0"),
 * and which one a licence consumes: the service's own table (docs/dialpad.md), since Dialpad does
 * not document it and a second copy could only agree with the first.
 */
export { SEAT_LINES, type SeatLine, seatLineOf } from "../../../shared/dialpad/seat-lines";
export type Seats = Record<SeatLine, number>;

export type UserState = "active" | "suspended" | "deleted";
export const OPERATOR_ROLES = ["admin", "operator", "supervisor"] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
/** `AddOperatorMessage.role`: a department (or office main line) has no supervisors. */
export const DEPARTMENT_OPERATOR_ROLES = ["admin", "operator"] as const;
export type DepartmentOperatorRole = (typeof DEPARTMENT_OPERATOR_ROLES)[number];

export interface Office {
  id: string;
  name: string;
  country: string;
  timezone: string;
  isPrimary: boolean;
  /** Seats still free per line: creating/reactivating an active user takes one, suspend/delete frees it. */
  availableSeats: Seats;
}

export interface User {
  id: string;
  officeId: string;
  /** Empty once deleted (Dialpad omits `emails` on a deleted user). */
  emails: string[];
  firstName?: string;
  lastName?: string;
  state: UserState;
  license: License;
  extension?: string;
  /** E.164; the first one is the primary number. */
  phoneNumbers: string[];
  adminOfficeIds: string[];
  isSuperAdmin: boolean;
  jobTitle?: string;
  forwardingNumbers: string[];
  internationalDialingEnabled?: boolean;
  /** ISO-8601 without zone, as Dialpad writes it. */
  dateAdded: string;
}

export interface CallCenter {
  id: string;
  name: string;
  officeId: string;
  /** user id → role, in insertion order. */
  operators: Map<string, OperatorRole>;
}

/** What can hold a number: `NumberProto.status` values the sandbox models (`available` = in the pool). */
export type NumberHolderKind = "user" | "department" | "call_center" | "office";
export const NUMBER_HOLDER_KINDS: readonly NumberHolderKind[] = [
  "user",
  "department",
  "call_center",
  "office",
];

/** A number of the company's reserved block: free (`available`) or held by a user, group or office. */
export interface PhoneNumber {
  number: string;
  areaCode: string;
  status: "available" | NumberHolderKind;
  /** The holder's id when not `available`. */
  targetId?: string;
}

export interface Department {
  id: string;
  name: string;
  officeId: string;
}

export interface Webhook {
  id: string;
  hookUrl: string;
  secret?: string;
}

export interface ChangeLogSubscription {
  id: string;
  webhookId: string;
  enabled: boolean;
}

/** Who made a change, as the change-log event's `changed_by` reports it. */
export interface ChangeActor {
  name: string;
  id: string;
  type: string;
}

export type UserChangeAction =
  | "user_created"
  | "user_updated"
  | "user_suspended"
  | "user_reactivated"
  | "user_deleted";

export interface UserChange {
  action: UserChangeAction;
  userId: string;
  note: string;
  additionalData: Record<string, unknown>;
  actor: ChangeActor;
  /** Unix ms. */
  date: number;
}
