/**
 * DynamoDB adapter of the ScimGroupStore port (item layout and index keys: SCIM_GROUP_KEYS in
 * table-definition.ts). The API function may not delete items, so a removed membership or a deleted
 * group becomes a tombstone: written without index keys and with a TTL, it is neither found nor
 * listed and DynamoDB clears it later. Memberships are written before the group when added and after
 * it when removed, and "the groups of a person" confirms each group's member list, so a write cut
 * short never shows a person in a group they are not in.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  type ScimGroup,
  ScimGroupChanged,
  type ScimGroupLookup,
  type ScimGroupPage,
  type ScimGroupStore,
} from "../scim/scim-group-store";
import { isConditionFailed } from "./conditional";
import { queryPages } from "./query-pages";
import { SCIM_GROUP_KEYS as KEYS, TABLE_KEYS } from "./table-definition";

const NAME_INDEX = TABLE_KEYS.userIdIndex;
const LIST_INDEX = TABLE_KEYS.listIndex;
const EXTERNAL_INDEX = TABLE_KEYS.lookupIndex;
const TTL = TABLE_KEYS.timeToLive;
/** How long a tombstone stays before DynamoDB removes it. */
const TOMBSTONE_DAYS = 7;

const GROUP_FIELDS = [
  "id",
  "display_name",
  "external_id",
  "members",
  "version",
  "created_at",
  "updated_at",
] as const;

function groupItem(group: ScimGroup): Record<string, unknown> {
  return {
    ...group,
    pk: KEYS.partition(group.id),
    sk: KEYS.groupSortKey,
    [NAME_INDEX.partitionKey]: KEYS.displayName(group.display_name),
    [NAME_INDEX.sortKey]: KEYS.groupSortKey,
    [LIST_INDEX.partitionKey]: KEYS.listPartition,
    [LIST_INDEX.sortKey]: group.id,
    ...(group.external_id === undefined
      ? {}
      : {
          [EXTERNAL_INDEX.partitionKey]: KEYS.externalId(group.external_id),
          [EXTERNAL_INDEX.sortKey]: KEYS.groupSortKey,
        }),
  };
}

function toGroup(item: Record<string, unknown>): ScimGroup {
  const group: Record<string, unknown> = {};
  for (const field of GROUP_FIELDS) if (item[field] !== undefined) group[field] = item[field];
  return { ...(group as unknown as ScimGroup), members: [...((item.members as string[]) ?? [])] };
}

export class DynamoScimGroupStore implements ScimGroupStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async getGroup(id: string): Promise<ScimGroup | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: KEYS.partition(id), sk: KEYS.groupSortKey },
        ConsistentRead: true,
      }),
    );
    return Item && Item.deleted_at === undefined ? toGroup(Item) : undefined;
  }

  async findGroup(by: ScimGroupLookup): Promise<ScimGroup | undefined> {
    const [index, partition] =
      "displayName" in by
        ? [NAME_INDEX, KEYS.displayName(by.displayName)]
        : [EXTERNAL_INDEX, KEYS.externalId(by.externalId)];
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: "#pk = :pk AND #sk = :sk",
        ExpressionAttributeNames: { "#pk": index.partitionKey, "#sk": index.sortKey },
        ExpressionAttributeValues: { ":pk": partition, ":sk": KEYS.groupSortKey },
      }),
    );
    // Indexes are read eventually consistently: confirm with the group itself.
    for (const item of Items ?? []) {
      const group = await this.getGroup(String(item.id));
      if (group && matches(group, by)) return group;
    }
    return undefined;
  }

  /** Reads the list partition in pages: the total SCIM asks for and the slice from `startIndex`. */
  async listGroups(startIndex: number, count: number): Promise<ScimGroupPage> {
    let total = 0;
    const groups: ScimGroup[] = [];
    for await (const items of queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: LIST_INDEX.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": LIST_INDEX.partitionKey },
      ExpressionAttributeValues: { ":pk": KEYS.listPartition },
    }))
      for (const item of items) {
        total += 1;
        if (total >= startIndex && groups.length < count) groups.push(toGroup(item));
      }
    return { total, groups };
  }

  async groupsOf(memberId: string): Promise<ScimGroup[]> {
    const groupIds: string[] = [];
    for await (const items of queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: NAME_INDEX.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": NAME_INDEX.partitionKey },
      ExpressionAttributeValues: { ":pk": KEYS.member(memberId) },
    }))
      groupIds.push(...items.map((item) => String(item.group_id)));
    const groups = await Promise.all(groupIds.map((id) => this.getGroup(id)));
    return groups.filter((group): group is ScimGroup => group?.members.includes(memberId) === true);
  }

  async saveGroup(group: ScimGroup, expected: number | null): Promise<void> {
    const before = expected === null ? [] : ((await this.getGroup(group.id))?.members ?? []);
    const added = group.members.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !group.members.includes(id));
    await this.writeMemberships(group.id, added, true);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: groupItem(group),
          ...(expected === null
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "version = :expected AND attribute_not_exists(deleted_at)",
                ExpressionAttributeValues: { ":expected": expected },
              }),
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new ScimGroupChanged(group.id);
      throw error;
    }
    await this.writeMemberships(group.id, removed, false);
  }

  async deleteGroup(group: ScimGroup): Promise<void> {
    const expiresAt = this.tombstoneExpiry();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: KEYS.partition(group.id),
          sk: KEYS.groupSortKey,
          id: group.id,
          deleted_at: new Date(this.now()).toISOString(),
          [TTL]: expiresAt,
        },
      }),
    );
    await this.writeMemberships(group.id, group.members, false);
  }

  /** A membership item per person: indexed while a member, a tombstone once not. */
  private async writeMemberships(groupId: string, memberIds: readonly string[], member: boolean) {
    const expiresAt = this.tombstoneExpiry();
    for (let i = 0; i < memberIds.length; i += 25)
      await Promise.all(
        memberIds.slice(i, i + 25).map((memberId) =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                pk: KEYS.partition(groupId),
                sk: KEYS.memberSortKey(memberId),
                group_id: groupId,
                member_id: memberId,
                ...(member
                  ? { [NAME_INDEX.partitionKey]: KEYS.member(memberId), [NAME_INDEX.sortKey]: groupId }
                  : { [TTL]: expiresAt }),
              },
            }),
          ),
        ),
      );
  }

  private tombstoneExpiry(): number {
    return Math.floor(this.now() / 1000) + TOMBSTONE_DAYS * 86_400;
  }
}

function matches(group: ScimGroup, by: ScimGroupLookup): boolean {
  return "displayName" in by
    ? group.display_name.toLowerCase() === by.displayName.toLowerCase()
    : group.external_id === by.externalId;
}
