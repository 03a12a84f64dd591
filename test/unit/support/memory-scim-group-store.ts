/** ScimGroupStore in memory, with the DynamoDB adapter's contract (version-checked writes, stable order by id). */
import {
  type ScimGroup,
  ScimGroupChanged,
  type ScimGroupLookup,
  type ScimGroupPage,
  type ScimGroupStore,
} from "../../../shared/scim/scim-group-store";

const copy = (group: ScimGroup): ScimGroup => ({ ...group, members: [...group.members] });

export class InMemoryScimGroupStore implements ScimGroupStore {
  private readonly groups = new Map<string, ScimGroup>();

  async getGroup(id: string): Promise<ScimGroup | undefined> {
    const group = this.groups.get(id);
    return group && copy(group);
  }

  async findGroup(by: ScimGroupLookup): Promise<ScimGroup | undefined> {
    const found = [...this.groups.values()].find((group) =>
      "displayName" in by
        ? group.display_name.toLowerCase() === by.displayName.toLowerCase()
        : group.external_id === by.externalId,
    );
    return found && copy(found);
  }

  async listGroups(startIndex: number, count: number): Promise<ScimGroupPage> {
    const all = this.sorted();
    return { total: all.length, groups: all.slice(startIndex - 1, startIndex - 1 + count).map(copy) };
  }

  async groupsOf(memberId: string): Promise<ScimGroup[]> {
    return this.sorted()
      .filter((group) => group.members.includes(memberId))
      .map(copy);
  }

  async saveGroup(group: ScimGroup, expected: number | null): Promise<void> {
    const stored = this.groups.get(group.id);
    if (expected === null ? stored !== undefined : stored?.version !== expected)
      throw new ScimGroupChanged(group.id);
    this.groups.set(group.id, copy(group));
  }

  async deleteGroup(group: ScimGroup): Promise<void> {
    this.groups.delete(group.id);
  }

  private sorted(): ScimGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
