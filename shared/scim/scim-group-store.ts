/**
 * The port SCIM groups are kept through: one item per group (our id, displayName, externalId, the
 * members as people's SCIM ids), found by index by id, by displayName (case-insensitively) or by
 * externalId, listed in a stable order (by id) for 1-based paging, and "the groups of a person" for
 * the membership rules. Adapters: shared/store/scim-group-store.ts (DynamoDB) and the unit tests'
 * in-memory store.
 */

export interface ScimGroup {
  /** Our own stable id. */
  id: string;
  /** As the IdP spelt it; unique case-insensitively. */
  display_name: string;
  external_id?: string;
  /** The members: people's SCIM ids (`/Users/{id}`), each once, in the order they joined. */
  members: string[];
  /** 1 when created, one more at each write: a write names the version it read. */
  version: number;
  created_at: string;
  updated_at: string;
}

export type ScimGroupLookup = { displayName: string } | { externalId: string };

export interface ScimGroupPage {
  total: number;
  groups: ScimGroup[];
}

export interface ScimGroupStore {
  getGroup(id: string): Promise<ScimGroup | undefined>;
  /** The group with this displayName (any case) or externalId (exact), if any. */
  findGroup(by: ScimGroupLookup): Promise<ScimGroup | undefined>;
  /** Groups by id, one page from a 1-based index, with the total. */
  listGroups(startIndex: number, count: number): Promise<ScimGroupPage>;
  /** Every group the person (SCIM id) is a member of. */
  groupsOf(memberId: string): Promise<ScimGroup[]>;
  /**
   * Writes the group; `expected` is the version read, or null for a new one. Another write in
   * between throws ScimGroupChanged and the group is left as it was.
   */
  saveGroup(group: ScimGroup, expected: number | null): Promise<void>;
  /** Removes the group and its memberships; a group already gone is no error. */
  deleteGroup(group: ScimGroup): Promise<void>;
}

/** The group changed between our read and our write (two requests about one group at once). */
export class ScimGroupChanged extends Error {
  override name = "ScimGroupChanged";
  constructor(readonly id: string) {
    super("The SCIM group changed meanwhile.");
  }
}
