/**
 * Bearer-token authentication of API clients. The presented token is hashed and its digest is
 * compared with every registered digest in constant time, without stopping at a match, so neither
 * the content of a guess nor the position of a client in the registry shows in the response time.
 */
import { timingSafeEqual } from "node:crypto";
import { NotAuthenticated } from "../errors/domain-errors";
import type { ClientRegistry } from "./client-registry";
import { tokenDigest } from "./hash-token";
import type { Principal } from "./scopes";

/** RFC 6750 `b64token`; anything else cannot be one of our tokens. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_HEADER_LENGTH = 4096;

/** Compares two equal-length digests; injectable so tests can watch every comparison. */
export type DigestComparator = (a: Buffer, b: Buffer) => boolean;

/** The token of an `Authorization: Bearer <token>` header; 401 when missing or another scheme. */
export function bearerToken(authorizationHeader: string | undefined): string {
  if (authorizationHeader === undefined || authorizationHeader.trim() === "") {
    throw new NotAuthenticated("A bearer token is required: send Authorization: Bearer <token>.");
  }
  const match = authorizationHeader.length <= MAX_HEADER_LENGTH ? BEARER.exec(authorizationHeader) : null;
  if (!match?.[1]) throw new NotAuthenticated("The Authorization header must be: Bearer <token>.");
  return match[1];
}

export function authenticate(
  registry: ClientRegistry,
  authorizationHeader: string | undefined,
  compare: DigestComparator = timingSafeEqual,
): Principal {
  const digest = tokenDigest(bearerToken(authorizationHeader));
  let principal: Principal | undefined;
  for (const client of registry.clients) {
    // Every digest is compared, even after a match: no early exit to time.
    if (compare(digest, client.digest) && principal === undefined) {
      principal = {
        client: client.name,
        scopes: [...client.scopes],
        ...(client.massOffboardLimit === undefined ? {} : { massOffboardLimit: client.massOffboardLimit }),
      };
    }
  }
  if (principal === undefined) throw new NotAuthenticated("The bearer token is not valid.");
  return principal;
}
