/**
 * The port the SCIM Users service keeps its users through: a SCIM item per person, kept beside the
 * person's lifecycle record (the same store, the same partition, moved with it on an email change),
 * found by index by our id, by `userName` (case-insensitively) or by `externalId`, and listed in a
 * stable order for 1-based paging. Adapters: shared/store/person-store.ts (DynamoDB) and the unit
 * tests' in-memory person store.
 */
import type { Person, ScimUser } from "../lifecycle/model";
import type { PersonChange } from "../lifecycle/ports";

export type ScimUserLookup = { id: string } | { userName: string } | { externalId: string };

export interface ScimUserPage {
  /** Every user SCIM lists (SCIM-deleted ones are not). */
  total: number;
  /** The page: from the 1-based `startIndex`, at most `count`. */
  users: ScimUser[];
}

export interface ScimUserStore {
  /** The person's SCIM item, a SCIM-deleted one included. */
  scimUserOf(email: string): Promise<ScimUser | undefined>;
  /** A SCIM user by index; never a SCIM-deleted one. */
  findScimUser(by: ScimUserLookup): Promise<ScimUser | undefined>;
  /** SCIM users in a stable order (by id), one page from a 1-based index. */
  listScimUsers(startIndex: number, count: number): Promise<ScimUserPage>;
  /**
   * Writes the SCIM item, and `change` to the person's record with its history entry, together.
   * `expected` is the `updated_at` of the item as read, or null when there was none: another write
   * in between throws ScimUserChanged and writes nothing.
   */
  saveScimUser(user: ScimUser, expected: string | null, change?: PersonChange): Promise<void>;
  /** The records of these people (a list page's), by lower-case email; missing ones absent. */
  getMany(emails: readonly string[]): Promise<Map<string, Person>>;
}

/** The SCIM item changed between our read and our write (two requests about one person at once). */
export class ScimUserChanged extends Error {
  override name = "ScimUserChanged";
  constructor(readonly email: string) {
    super("The SCIM user changed meanwhile.");
  }
}
