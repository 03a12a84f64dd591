/**
 * The idempotency key of an API request (docs/product.md): the client's `Idempotency-Key` header, else
 * its ticket (`ticket.system` + `ticket.id`), else a hash of the body, always scoped to the client
 * and the kind so two clients (or an onboard and an offboard of one ticket) never share a key.
 * `bodyHash` fingerprints the parsed, normalised body: the same key with another hash is a 409.
 * A key made from the body hash answers repeats for 24 hours only: the same body later (an offboard
 * after the person was rehired) is a new request and runs. Header and ticket keys last as long as
 * the store keeps request keys (beyond the longest retention).
 *
 * Key parts are URI-encoded before joining with `#`, so no user-chosen value can forge another's
 * key (`a#b` + `c` ≠ `a` + `b#c`) and the key stays readable in DynamoDB.
 */
import { createHash } from "node:crypto";
import { InvalidInput } from "../errors/domain-errors";
import type { ClientJobKind, JobOf } from "./model";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** Printable ASCII, 1 to 255 characters (space included, control characters not). */
const VALID_HEADER_KEY = /^[\x20-\x7e]{1,255}$/;

export interface RequestKeyInput {
  kind: ClientJobKind;
  /** The authenticated API client's name. */
  client: string;
  /** The raw `Idempotency-Key` header, if the request had one (see `headerValue`). */
  headerKey: string | undefined;
  /** The parsed, validated body. */
  body: JobOf<ClientJobKind>["request"];
}

/** How long a key made from the body hash answers repeats. */
export const BODY_KEY_TTL_SECONDS = 24 * 3600;

export interface RequestKey {
  key: string;
  bodyHash: string;
  /** Where the key came from; useful in logs. */
  source: "header" | "ticket" | "body";
  /** Set for body-hash keys only; the others keep the store's default lifetime. */
  ttlSeconds?: number;
}

/** JSON with object keys sorted at every level, so equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function requestKey({ kind, client, headerKey, body }: RequestKeyInput): RequestKey {
  const bodyHash = sha256Hex(canonicalJson(body));
  const scope = [kind, client].map(encodeURIComponent).join("#");
  if (headerKey !== undefined) {
    if (!VALID_HEADER_KEY.test(headerKey)) {
      throw new InvalidInput(
        "invalid_idempotency_key",
        `The ${IDEMPOTENCY_KEY_HEADER} header must be 1 to 255 printable ASCII characters.`,
      );
    }
    return { key: `${scope}#key#${encodeURIComponent(headerKey)}`, bodyHash, source: "header" };
  }
  if (body.ticket !== undefined) {
    const { system, id } = body.ticket;
    return {
      key: `${scope}#ticket#${encodeURIComponent(system)}#${encodeURIComponent(id)}`,
      bodyHash,
      source: "ticket",
    };
  }
  return { key: `${scope}#body#${bodyHash}`, bodyHash, source: "body", ttlSeconds: BODY_KEY_TTL_SECONDS };
}
