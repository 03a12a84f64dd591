/**
 * What an API client may do. Each route needs one scope; some requests need `admin` for what they
 * ask (see request-authority.ts). A client's token grants a fixed set.
 */
export const SCOPES = ["onboard", "offboard", "read", "approve", "legal_hold", "scim", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope lets a client do (docs, the OpenAPI security scheme). */
export const SCOPE_POWERS: Record<Scope, string> = {
  onboard: "Onboard people and update them.",
  offboard: "Offboard people.",
  read: "Read jobs, people, offices and reports.",
  approve:
    "Approve a deletion (never one of a suspension the same client asked to offboard, or whose hold it lifted); release a held job (never one it submitted) or cancel a held or queued one.",
  legal_hold: "Place a legal hold; lift one (only the client that placed it, or an `admin` client).",
  scim: "Drive the lifecycle through the SCIM 2.0 front (/scim/v2) and nothing else: never deletes a Dialpad user, never grants admin rights, default retention only; its deactivations pass the mass-change guard (MASS_OFFBOARD_LIMIT unless the client sets its own).",
  admin:
    "Grant or revoke Dialpad admin rights; change a Dialpad admin; ask for a retention shorter than the default (or shorten one); lift any legal hold; start an import or a reconciliation.",
};

/** The authenticated caller of a request. */
export interface Principal {
  /** The client's name from the token registry, recorded on jobs and history. */
  client: string;
  scopes: Scope[];
  /** The registry entry's `mass_offboard_limit` (0 = off), when it sets one: see mass-change-guard.ts. */
  massOffboardLimit?: number;
}
