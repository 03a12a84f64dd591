/**
 * Reading requests and writing Dialpad-shaped responses over node:http: JSON bodies, the error
 * shape `{"error": {"code", "message"}}`, and parsing of request bodies that keeps big ids.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonKeepingBigIntegers } from "../../../shared/http/lossless-json";
import { badRequest } from "../domain/sandbox-error";

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badRequest("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The request body as JSON; an empty body reads as `{}` so missing fields get field-level errors. */
export function jsonBody(raw: string): unknown {
  if (raw.trim() === "") return {};
  try {
    return parseJsonKeepingBigIntegers(raw);
  } catch {
    throw badRequest("Request body is not valid JSON");
  }
}

/** For the request log: parsed JSON when possible, else the raw text; undefined when empty. */
export function loggableBody(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return parseJsonKeepingBigIntegers(raw);
  } catch {
    return raw;
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  nullForUnset = false,
): void {
  if (response.headersSent || response.destroyed) return;
  // Wire objects keep unset fields as `undefined`: JSON leaves them out unless null mode asks for null.
  const text = nullForUnset
    ? JSON.stringify(body, (_key, value: unknown) => (value === undefined ? null : value))
    : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export const errorBody = (status: number, message: string) => ({ error: { code: status, message } });
