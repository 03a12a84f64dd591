/**
 * DynamoDB adapter of the mass-change guard's counter: one item per client holding its recent
 * offboards (entry → epoch ms), rewritten under a version condition, so concurrent API containers
 * never lose a count: a write that lost the race reads again and retries.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type MassChangeCounter,
  type OffboardWindow,
  type WindowCount,
  windowAfterAdding,
} from "../lifecycle/mass-change-guard";
import { CONDITIONS, isConditionFailed } from "./conditional";
import { OTHER_KEYS } from "./item-keys";

const counterKey = OTHER_KEYS.massChangeCounter;
/** Lost races before giving up; each lost race means another offboard of the client was counted. */
const MAX_ATTEMPTS = 25;

export class DynamoMassChangeCounter implements MassChangeCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(
    client: string,
    entry: string,
    atMs: number,
    windowMs: number,
    keep: number,
  ): Promise<WindowCount> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: counterKey(client), ConsistentRead: true }),
      );
      const version = (stored.Item?.version as number | undefined) ?? 0;
      const next = windowAfterAdding(
        (stored.Item?.recent as OffboardWindow | undefined) ?? {},
        entry,
        atMs,
        windowMs,
        keep,
      );
      const count = Object.keys(next.recent).length;
      if (!next.added) return { count, added: false };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...counterKey(client),
              recent: next.recent,
              version: version + 1,
              // Nothing in it matters once the window has passed.
              expires_at: Math.ceil((atMs + windowMs) / 1000) + 3600,
            },
            ConditionExpression: CONDITIONS.versionIs("version", version, ":version"),
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ":version": version } }),
          }),
        );
        return { count, added: true };
      } catch (error) {
        if (!isConditionFailed(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async remove(client: string, entry: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(client),
          // The version moves too, so an add that read the entry cannot write it back.
          UpdateExpression: "REMOVE recent.#entry ADD version :one",
          ConditionExpression: "attribute_exists(recent.#entry)",
          ExpressionAttributeNames: { "#entry": entry },
          ExpressionAttributeValues: { ":one": 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // already gone (left the window)
    }
  }
}
