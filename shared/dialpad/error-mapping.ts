/**
 * The one mapping from a Dialpad HTTP status (plus `error.message`, the only documented part of
 * its error body) to a `DialpadError` kind, and the message format every Dialpad error uses.
 */
import { DialpadError, type DialpadErrorDetails, type DialpadErrorKind } from "./errors";

/** Dialpad's sandbox says "No available licenses ..."; production wording varies, so match loosely. */
const NO_SEATS = /no (available )?licen[cs]es?|seat/i;
const MAX_DIALPAD_MESSAGE = 200;

export function kindForStatus(status: number, dialpadMessage: string | undefined): DialpadErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status === 400 && dialpadMessage !== undefined && NO_SEATS.test(dialpadMessage)) return "no_seats";
  if (status === 408 || status >= 500) return "transient";
  return "rejected";
}

/** `error.message` from a Dialpad error body (or a top-level `message`), undefined if there is none. */
export function dialpadErrorMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as { error?: unknown; message?: unknown };
  const nested =
    typeof record.error === "object" && record.error !== null
      ? (record.error as { message?: unknown }).message
      : undefined;
  const message = nested ?? record.message ?? (typeof record.error === "string" ? record.error : undefined);
  return typeof message === "string" ? message : undefined;
}

export interface ErrorContext {
  method: string;
  route: string;
  /** Removed from any text we did not write ourselves, in case Dialpad ever echoes it. */
  apiKey: string;
}

export function responseError(
  context: ErrorContext,
  status: number,
  text: string,
  extra: Omit<DialpadErrorDetails, "status" | "method" | "route"> = {},
): DialpadError {
  const dialpadMessage = dialpadErrorMessage(text);
  const kind = kindForStatus(status, dialpadMessage);
  const said = dialpadMessage === undefined ? "" : `: ${clean(dialpadMessage, context.apiKey)}`;
  return new DialpadError(kind, `Dialpad ${context.method} ${context.route} answered ${status}${said}`, {
    ...extra,
    status,
    method: context.method,
    route: context.route,
  });
}

/** Truncated, single-line, key-free text from Dialpad, safe to put in a message or a log. */
export function clean(text: string, apiKey: string): string {
  const redacted = apiKey.length > 0 ? text.split(apiKey).join("[redacted]") : text;
  const oneLine = redacted.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_DIALPAD_MESSAGE ? `${oneLine.slice(0, MAX_DIALPAD_MESSAGE)}…` : oneLine;
}
