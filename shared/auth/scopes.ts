/**
 * What an API client may do. Each route needs one scope; some requests need `admin` for what they
 * ask (see request-authority.ts). A client's token grants a fixed set.
 */
export const SCOPES = ["onboard", "offboard", "read", "approve", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope lets a client do (docs, the OpenAPI security scheme). */
export const SCOPE_POWERS: Record<Scope, string> = {
  onboard: "Onboard people and update them.",
  offboard: "Offboard people.",
  read: "Read jobs, people, offices and reports.",
  approve: "Approve a deletion (never one the same client requested); place or lift a legal hold.",
  admin:
    "Grant or revoke Dialpad admin rights; change a Dialpad admin; ask for a retention shorter than the default; start an import or a reconciliation.",
};

/** The authenticated caller of a request. */
export interface Principal {
  /** The client's name from the token registry, recorded on jobs and history. */
  client: string;
  scopes: Scope[];
  /** The registry entry's `mass_offboard_limit` (0 = off), when it sets one: see mass-change-guard.ts. */
  massOffboardLimit?: number;
}
