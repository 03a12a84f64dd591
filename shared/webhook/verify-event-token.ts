/**
 * Verifies a webhook body: a compact JWS signed HS256 with one of our webhook keys (docs/dialpad.md
 * "Webhooks"). The algorithm is pinned, so `alg: none`, RS/ES tokens and anything unsigned are
 * refused; `exp`/`nbf` are honoured when present (jose checks them), never required. The payload
 * handed on is read again from the verified token with a lossless parse: Dialpad ids exceed 2^53
 * and may arrive as bare JSON numbers, which JSON.parse would silently round.
 */
import { errors, jwtVerify } from "jose";
import { parseJsonKeepingBigIntegers } from "../http/lossless-json";

export type SignatureProblem =
  | "not_a_jws"
  | "bad_signature"
  | "algorithm_not_allowed"
  | "expired"
  | "invalid";

export class InvalidEventSignature extends Error {
  override name = "InvalidEventSignature";
  constructor(readonly problem: SignatureProblem) {
    super(`Webhook event refused: ${problem.replaceAll("_", " ")}.`);
  }
}

/** Three base64url segments, the last (the signature) not empty. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

export async function verifyEventToken(
  token: string,
  keys: readonly Uint8Array[],
  now: Date,
): Promise<Record<string, unknown>> {
  const jws = token.trim();
  if (!COMPACT_JWS.test(jws)) throw new InvalidEventSignature("not_a_jws");
  for (const key of keys) {
    try {
      await jwtVerify(jws, key, { algorithms: ["HS256"], currentDate: now });
      return losslessPayload(jws);
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue; // maybe the other key
      throw new InvalidEventSignature(problemOf(error));
    }
  }
  throw new InvalidEventSignature("bad_signature");
}

/** The verified token's payload segment, parsed keeping big integers as decimal strings. */
function losslessPayload(jws: string): Record<string, unknown> {
  const segment = jws.split(".")[1] ?? "";
  return parseJsonKeepingBigIntegers(Buffer.from(segment, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

function problemOf(error: unknown): SignatureProblem {
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm_not_allowed";
  if (error instanceof errors.JWTExpired) return "expired";
  return "invalid";
}
