/**
 * A deleted person's record and history expire PERSON_RECORD_DAYS after the deletion, on DynamoDB
 * Local. DynamoDB Local never runs TTL deletion (AWS removes expired items only within days), so
 * the test checks what we control: every item carries the table's TTL attribute at the right epoch
 * second, reads treat an item past it as gone, and a rehire lifts it again, history kept.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PersonChange } from "../../shared/lifecycle/ports";
import { DynamoPersonStore } from "../../shared/store/person-store";
import { TABLE_KEYS } from "../../shared/store/table-definition";
import { createTestTable, localDocumentClient } from "../support/aws";

const DELETED_AT = "2026-03-01T10:00:00.000Z";
const DAYS = 30;
const EXPIRES_AT = Date.parse(DELETED_AT) / 1000 + DAYS * 24 * 3600;

const change = (action: string, at: string, set: PersonChange["set"], remove?: PersonChange["remove"]) => ({
  set: { updated_at: at, ...set },
  ...(remove ? { remove } : {}),
  history: { at, action, source: "worker" as const },
  historyId: `${action}#${at}`,
});

describe("person records that expire", () => {
  const doc = localDocumentClient();
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let now = Date.parse(DELETED_AT);
  let people: DynamoPersonStore;
  const itemsOf = async (email: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `PERSON#${email}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const expiries = async (email: string) => (await itemsOf(email)).map((item) => item[TABLE_KEYS.timeToLive]);

  beforeAll(async () => {
    table = await createTestTable();
    people = new DynamoPersonStore(doc, table.tableName, { recordDays: DAYS, now: () => now });
  });
  afterAll(() => table.drop());

  async function deletedPerson(email: string) {
    await people.apply(
      email,
      change("onboarded", "2026-01-01T00:00:00.000Z", { state: "active", user_id: `id-${email}` }),
    );
    await people.apply(email, change("offboarded", "2026-02-01T00:00:00.000Z", { state: "suspended" }));
    await people.apply(email, change("deleted", DELETED_AT, { state: "deleted", deleted_at: DELETED_AT }));
  }

  it("stamps the record and every history entry with the deletion + PERSON_RECORD_DAYS, in epoch seconds", async () => {
    await deletedPerson("gone@example.com");
    const items = await itemsOf("gone@example.com");
    expect(items).toHaveLength(4); // the record and three history entries
    expect(await expiries("gone@example.com")).toEqual([EXPIRES_AT, EXPIRES_AT, EXPIRES_AT, EXPIRES_AT]);
    // Until then, the record reads as before.
    now = EXPIRES_AT * 1000 - 1000;
    expect((await people.getWithHistory("gone@example.com"))?.history).toHaveLength(3);
  });

  it("reads an item past its TTL as gone, whether or not DynamoDB has removed it yet", async () => {
    now = EXPIRES_AT * 1000;
    expect(await people.get("gone@example.com")).toBeUndefined();
    expect(await people.getWithHistory("gone@example.com")).toBeUndefined();
    expect(await people.findByUserId("id-gone@example.com")).toBeUndefined();
    const listed = await people.list({ requireApproval: false }, { limit: 100 });
    expect(listed.items.map((person) => person.email)).not.toContain("gone@example.com");
    expect(await itemsOf("gone@example.com")).toHaveLength(4); // still there: only TTL removes it
  });

  it("lifts the expiry on a rehire and keeps the history", async () => {
    now = Date.parse(DELETED_AT);
    await deletedPerson("back@example.com");
    await people.apply(
      "back@example.com",
      change("rehired", "2026-04-01T00:00:00.000Z", { state: "active", user_id: "id-back-2" }, [
        "deleted_at",
      ]),
    );
    expect(await expiries("back@example.com")).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    now = EXPIRES_AT * 1000 + 1000;
    const found = await people.getWithHistory("back@example.com");
    expect(found?.person.state).toBe("active");
    expect(found?.history.map((entry) => entry.action)).toEqual([
      "onboarded",
      "offboarded",
      "deleted",
      "rehired",
    ]);
  });
});
