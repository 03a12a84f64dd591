/**
 * Makes a token for a new API client (a ticketing system) and prints the entry to add to the
 * client-tokens secret. Only the SHA-256 of the token is stored; the token itself is shown once.
 *
 *   npm run client-token -- servicenow onboard,offboard,read
 */
import { randomBytes } from "node:crypto";
import { hashToken } from "../../shared/auth/hash-token";
import { SCOPES } from "../../shared/auth/scopes";

const [name, scopeList = SCOPES.join(",")] = process.argv.slice(2);
const scopes = scopeList.split(",").filter(Boolean);
const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
if (!name || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) || unknown.length > 0) {
  console.error(
    `usage: npm run client-token -- <client-name> [${SCOPES.join(",")}]\n` +
      (unknown.length ? `unknown scope(s): ${unknown.join(", ")}\n` : ""),
  );
  process.exit(2);
}
const token = randomBytes(32).toString("base64url");
console.log(`Token for ${name} (give it to the client; it is not stored anywhere):\n\n  ${token}\n`);
console.log("Add this entry to the clients array of the client-tokens secret:\n");
console.log(`  ${JSON.stringify({ name, token_sha256: hashToken(token), scopes })}\n`);
