/**
 * DynamoDB adapter of the webhook event log: one EVENT#<event id> item per distinct event we
 * received, kept a week (TTL), so a redelivered or duplicated event is recognised and acknowledged
 * without being applied again. An event counts as handled once its follow-up is on the queue
 * (`handled_at`): a receipt that crashed before enqueuing is claimed again by Dialpad's retry.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ReceivedEvent, WebhookEventLog } from "../webhook/receive-event";
import { CONDITIONS, isConditionFailed } from "./conditional";
import { OTHER_KEYS } from "./item-keys";

const EVENT_TTL_SECONDS = 7 * 24 * 3600;
const eventKey = OTHER_KEYS.webhookEvent;

export class DynamoWebhookEventLog implements WebhookEventLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(event: ReceivedEvent, handled: boolean): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey(event.event_id),
            ...event,
            ...(handled ? { handled_at: event.received_at } : {}),
            expires_at: Math.floor(Date.parse(event.received_at) / 1000) + EVENT_TTL_SECONDS,
          },
          ConditionExpression: CONDITIONS.either(CONDITIONS.itemAbsent, "attribute_not_exists(handled_at)"),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async markHandled(eventId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: eventKey(eventId),
        UpdateExpression: "SET handled_at = if_not_exists(handled_at, :at)",
        ConditionExpression: CONDITIONS.itemExists,
        ExpressionAttributeValues: { ":at": at },
      }),
    );
  }
}
