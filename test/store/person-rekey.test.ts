/**
 * The person store's email change (rekey) and create-only write (recordNew) on DynamoDB Local:
 * the record and all of its history move, the old email answers nothing, the user-id index follows,
 * a repeat changes nothing, and an existing record on either side is never overwritten.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordExists } from "../../shared/errors/domain-errors";
import type { PersonChange } from "../../shared/lifecycle/ports";
import { DynamoPersonStore } from "../../shared/store/person-store";
import { createTestTable, localDocumentClient } from "../support/aws";

const entry = (action: string, id: string, set: PersonChange["set"] = {}): PersonChange => ({
  set: { updated_at: "2026-01-01T00:00:00.000Z", ...set },
  history: { at: `2026-01-01T00:00:0${id.length % 10}.000Z`, action, source: "worker" },
  historyId: id,
});

describe("person store: rekey and recordNew", () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let people: DynamoPersonStore;
  beforeAll(async () => {
    table = await createTestTable();
    people = new DynamoPersonStore(localDocumentClient(), table.tableName);
  });
  afterAll(() => table.drop());

  it("moves the record and its whole history; the old email has no record; a repeat is a no-op", async () => {
    await people.apply(
      "old@example.com",
      entry("onboarded", "a", { state: "active", user_id: "77", office_id: "1" }),
    );
    for (let i = 0; i < 60; i += 1) await people.apply("old@example.com", entry("updated", `u${i}`));
    expect(await people.acquireLease("old@example.com", "job-1", Date.now(), 60_000)).toBe(true);

    const change = entry("email_changed", "job-1#email_changed");
    await people.rekey("old@example.com", "new@example.com", change);
    await people.rekey("old@example.com", "new@example.com", change);

    expect(await people.get("old@example.com")).toBeUndefined();
    expect(await people.getWithHistory("old@example.com")).toBeUndefined();
    const moved = await people.getWithHistory("new@example.com");
    expect(moved?.person).toMatchObject({
      email: "new@example.com",
      state: "active",
      user_id: "77",
      office_id: "1",
    });
    expect(moved?.history).toHaveLength(62);
    expect(moved?.history.filter((e) => e.action === "email_changed")).toHaveLength(1);
    expect((await people.findByUserId("77"))?.email).toBe("new@example.com");
    // The running job's lease stays on the old key, where it releases it.
    await people.releaseLease("old@example.com", "job-1");
    expect(await people.acquireLease("old@example.com", "job-2", Date.now(), 60_000)).toBe(true);
  });

  it("refuses to move onto an email that has a record", async () => {
    await people.apply("a@example.com", entry("onboarded", "b", { state: "active", user_id: "1" }));
    await people.apply("b@example.com", entry("onboarded", "c", { state: "active", user_id: "2" }));
    await expect(
      people.rekey("a@example.com", "b@example.com", entry("email_changed", "x")),
    ).rejects.toBeInstanceOf(RecordExists);
    expect((await people.get("a@example.com"))?.user_id).toBe("1");
    expect((await people.get("b@example.com"))?.user_id).toBe("2");
  });

  it("recordNew creates once and never overwrites; its own repeat counts as created", async () => {
    const imported = entry("imported", "imp#9", { state: "suspended", user_id: "9" });
    expect(await people.recordNew("nine@example.com", imported)).toBe(true);
    expect(await people.recordNew("nine@example.com", imported)).toBe(true);
    expect(await people.recordNew("nine@example.com", entry("imported", "imp2#9", { state: "active" }))).toBe(
      false,
    );
    const record = await people.getWithHistory("nine@example.com");
    expect(record?.person.state).toBe("suspended");
    expect(record?.history).toHaveLength(1);
  });
});
