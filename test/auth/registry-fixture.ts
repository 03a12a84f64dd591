/** A client registry document with known tokens, for the auth and authorizer tests. */
import { hashToken } from "../../shared/auth/hash-token";

export const TOKENS = {
  servicenow: "sn_9b1f7c2e4d6a8b0c1e3f5a7b9d",
  jira: "jira_2c4e6a8b0d1f3a5c7e9b",
  auditor: "audit_7e5c3a1b9d8f6e4c2a0b",
} as const;

export const REGISTRY_DOCUMENT = JSON.stringify({
  clients: [
    { name: "servicenow", token_sha256: hashToken(TOKENS.servicenow), scopes: ["onboard", "read"] },
    {
      name: "jira",
      token_sha256: hashToken(TOKENS.jira).toUpperCase(),
      scopes: ["onboard", "offboard", "read"],
    },
    { name: "auditor", token_sha256: hashToken(TOKENS.auditor), scopes: ["read"] },
  ],
});
