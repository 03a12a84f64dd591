/**
 * DynamoDB adapter of the OfficeListStore port: one item, `OFFICES` / `OFFICES`, with the offices
 * (`offices`, id and name), the call centers (`call_centers`, id and name), when the worker listed them (`read_at`), and when a refresh was last
 * asked for (`refresh_asked_at`: a conditional write, so only one of many racing listings sends a
 * refresh message).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { OfficeListStore, StoredOfficeList } from "../lifecycle/office-seats";
import { isConditionFailed } from "./conditional";
import { OTHER_KEYS } from "./item-keys";

const KEY = OTHER_KEYS.offices;

export class DynamoOfficeListStore implements OfficeListStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<StoredOfficeList | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEY }));
    if (!Item?.offices) return undefined;
    return {
      offices: Item.offices as StoredOfficeList["offices"],
      ...(Item.call_centers ? { callCenters: Item.call_centers as StoredOfficeList["callCenters"] } : {}),
      readAt: Number(Item.read_at),
    };
  }

  async save(list: StoredOfficeList): Promise<void> {
    await this.conditionalUpdate({
      TableName: this.tableName,
      Key: KEY,
      UpdateExpression: "SET offices = :offices, call_centers = :callCenters, read_at = :readAt",
      ConditionExpression: "attribute_not_exists(read_at) OR read_at < :readAt",
      ExpressionAttributeValues: {
        ":offices": list.offices,
        ":callCenters": list.callCenters ?? [],
        ":readAt": list.readAt,
      },
    });
  }

  claimRefresh(now: number, since: number): Promise<boolean> {
    return this.conditionalUpdate({
      TableName: this.tableName,
      Key: KEY,
      UpdateExpression: "SET refresh_asked_at = :now",
      ConditionExpression: "attribute_not_exists(refresh_asked_at) OR refresh_asked_at < :since",
      ExpressionAttributeValues: { ":now": now, ":since": since },
    });
  }

  /** True when written; false when the condition said a newer write stands. */
  private async conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
