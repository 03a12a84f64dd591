/**
 * Tokens are stored only as SHA-256 digests: the registry document (a secret) never holds a usable
 * token, and `hashToken` is what an operator runs to register a new client.
 */
import { createHash } from "node:crypto";

/** Lower-case hex SHA-256 of the token's UTF-8 bytes: the `token_sha256` of the registry. */
export function hashToken(token: string): string {
  return tokenDigest(token).toString("hex");
}

export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
