/**
 * DynamoDB adapter of the SeatReadingStore port: one item per office, `SEATS#<office_id>` / `SEATS`,
 * with the free seats per line (`counts`), when Dialpad counted them (`read_at`) and a TTL. Taking a
 * seat is one conditional decrement, so containers racing for the last seat cannot both get it.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { SeatReading, SeatReadingStore, SeatTake } from "../lifecycle/seat-readings";
import { isConditionFailed } from "./conditional";
import { OTHER_KEYS } from "./item-keys";
import { TABLE_KEYS } from "./table-definition";

/** A reading is useless after a minute; the TTL only keeps the table tidy. */
const READING_TTL_SECONDS = 24 * 3600;

export class DynamoSeatReadingStore implements SeatReadingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(officeId: string) {
    return OTHER_KEYS.seats(officeId);
  }

  async take(officeId: string, line: string, freshAfter: number): Promise<SeatTake> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(officeId),
          UpdateExpression: "SET counts.#line = counts.#line - :one",
          ConditionExpression: "read_at >= :fresh AND counts.#line > :zero",
          ExpressionAttributeNames: { "#line": line },
          ExpressionAttributeValues: { ":one": 1, ":zero": 0, ":fresh": freshAfter },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const counts = result.Attributes?.counts as Record<string, unknown> | undefined;
      return { taken: true, left: Number(counts?.[line] ?? 0) };
    } catch (error) {
      if (isConditionFailed(error)) return { taken: false };
      throw error;
    }
  }

  async read(officeId: string): Promise<SeatReading | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(officeId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { counts: { ...(Item.counts as Record<string, number>) }, readAt: Number(Item.read_at) };
  }

  async save(officeId: string, reading: SeatReading): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(officeId),
            counts: reading.counts,
            read_at: reading.readAt,
            [TABLE_KEYS.timeToLive]: Math.floor(reading.readAt / 1000) + READING_TTL_SECONDS,
          },
          ConditionExpression: "attribute_not_exists(read_at) OR read_at < :readAt",
          ExpressionAttributeValues: { ":readAt": reading.readAt },
        }),
      );
    } catch (error) {
      // A newer reading is stored already: it stands.
      if (!isConditionFailed(error)) throw error;
    }
  }

  async forget(officeId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(officeId) }));
  }
}
