/**
 * What an API client may do. Each route needs one scope; a client's token grants a fixed set.
 */
export const SCOPES = ["onboard", "offboard", "read"] as const;
export type Scope = (typeof SCOPES)[number];

/** The authenticated caller of a request. */
export interface Principal {
  /** The client's name from the token registry, recorded on jobs and history. */
  client: string;
  scopes: Scope[];
}
