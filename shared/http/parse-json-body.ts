/**
 * Reads and validates the JSON body of an API Gateway REST proxy event, in the order a client can
 * act on: 415 not JSON → 413 too large → 400 `invalid_json` → 400 `validation_failed` (zod).
 * Bytes are counted after base64 decoding, so a binary-encoded body is measured as sent.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type * as z from "zod";
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./api-error";
import { headerValue } from "./header-value";
import { validate } from "./validation-details";

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024;

export interface ParseJsonBodyOptions {
  maxBytes?: number;
  /** Whether the body's content-type is read (default: application/json); SCIM takes its own too. */
  accepts?: (contentType: string | undefined) => boolean;
}

type BodyEvent = Pick<APIGatewayProxyEvent, "body" | "headers" | "isBase64Encoded">;

/** True for `application/json` with no parameter or a UTF-8 charset (JSON is UTF-8, RFC 8259). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType, ...parameters] = value.split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== "application/json") return false;
  // Other parameters are harmless; only a charset other than UTF-8 would change how bytes are read.
  return parameters.every((parameter) => {
    const [name, rawValue = ""] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || ["utf-8", "utf8"].includes(rawValue.replace(/^"(.*)"$/, "$1"));
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function parseJsonBody<S extends z.ZodType>(
  event: BodyEvent,
  schema: S,
  { maxBytes = DEFAULT_MAX_BODY_BYTES, accepts = isJsonContentType }: ParseJsonBodyOptions = {},
): z.output<S> {
  if (!accepts(headerValue(event.headers, "content-type"))) throw new UnsupportedMediaTypeError();

  const raw = event.body ?? "";
  // A base64 string of n chars decodes to at most ceil(n/4)*3 bytes: refuse huge ones before decoding.
  if (event.isBase64Encoded && Math.ceil(raw.length / 4) * 3 > maxBytes + 2)
    throw new PayloadTooLargeError(maxBytes);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InvalidJsonError("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") throw new InvalidJsonError("The request body is empty; send a JSON object.");

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the body: keep it out of the answer.
    throw new InvalidJsonError();
  }
  return validate(schema, value);
}
