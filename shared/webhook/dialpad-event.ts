/**
 * The events Dialpad delivers, as we read them: change-log events `{action, target: {type, id},
 * date, ...}` and the `user.created|updated|deleted` shape `{type, data|user: {id, ...}}`. Either
 * way only the user id matters: the worker re-reads the user from Dialpad rather than trusting
 * the payload, which also makes out-of-order delivery harmless. Anything else is "other": recorded
 * and acknowledged, never an error.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { dialpadId } from "../dialpad/schemas";
import { canonicalJson } from "../lifecycle/request-key";

const changeLogEvent = z.looseObject({
  action: z.string().min(1),
  target: z.looseObject({ type: z.string(), id: dialpadId }),
  date: z.union([z.number(), z.string()]).optional(),
});

const idHolder = z.looseObject({ id: dialpadId.optional(), user_id: dialpadId.optional() });
const userEvent = z.looseObject({
  type: z.enum(["user.created", "user.updated", "user.deleted"]),
  data: idHolder.optional(),
  user: idHolder.optional(),
  date: z.union([z.number(), z.string()]).optional(),
});

export type DialpadEvent =
  | { kind: "user"; action: string; userId: string; occurredAt?: string }
  | { kind: "other"; action: string };

/** Dialpad dates are unix milliseconds; ISO strings are accepted too. */
function isoDate(date: number | string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const ms = typeof date === "number" ? date : Number.isNaN(Number(date)) ? Date.parse(date) : Number(date);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function readDialpadEvent(payload: Record<string, unknown>): DialpadEvent {
  const changeLog = changeLogEvent.safeParse(payload);
  if (changeLog.success) {
    const { action, target, date } = changeLog.data;
    // Dialpad does not document the casing of target.type ("user", "User", "USER" all mean a user).
    if (target.type.toLowerCase() !== "user") return { kind: "other", action: `${target.type}:${action}` };
    const occurredAt = isoDate(date);
    return { kind: "user", action, userId: target.id, ...(occurredAt ? { occurredAt } : {}) };
  }
  const typed = userEvent.safeParse(payload);
  if (typed.success) {
    const { type, data, user, date } = typed.data;
    const userId = data?.id ?? data?.user_id ?? user?.id ?? user?.user_id;
    const occurredAt = isoDate(date);
    if (userId) return { kind: "user", action: type, userId, ...(occurredAt ? { occurredAt } : {}) };
  }
  const named = [payload.type, payload.action].find((value) => typeof value === "string");
  return { kind: "other", action: typeof named === "string" ? named.slice(0, 100) : "unknown" };
}

/** The de-duplication key: a hash of the verified payload, so a redelivery maps to the same id. */
export function eventIdOf(payload: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(payload), "utf8").digest("hex").slice(0, 40);
}
