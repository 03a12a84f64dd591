/** The DynamoDB adapters of shared seat readings and of the stored office list, against DynamoDB Local. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoOfficeListStore } from "../../shared/store/office-list-store";
import { DynamoSeatReadingStore } from "../../shared/store/seat-reading-store";
import { createTestTable, localDocumentClient } from "../support/aws";

let table: Awaited<ReturnType<typeof createTestTable>>;
let store: DynamoSeatReadingStore;
beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoSeatReadingStore(localDocumentClient(), table.tableName);
});
afterAll(() => table.drop());

describe("DynamoSeatReadingStore", () => {
  it("takes nothing from an office never read", async () => {
    expect(await store.take("never-read", "talk_lines", 0)).toEqual({ taken: false });
  });

  it("counts a line down to zero, and only from a reading fresh enough", async () => {
    await store.save("office-a", { counts: { talk_lines: 2, sell_lines: 7 }, readAt: 1000 });
    expect(await store.take("office-a", "talk_lines", 1001)).toEqual({ taken: false });
    expect(await store.take("office-a", "talk_lines", 1000)).toEqual({ taken: true, left: 1 });
    expect(await store.take("office-a", "talk_lines", 500)).toEqual({ taken: true, left: 0 });
    expect(await store.take("office-a", "talk_lines", 500)).toEqual({ taken: false });
    expect(await store.take("office-a", "sell_lines", 500)).toEqual({ taken: true, left: 6 });
    expect(await store.take("office-a", "fax_lines", 500)).toEqual({ taken: false });
  });

  it("containers racing for the last seats get exactly as many as there are", async () => {
    await store.save("office-b", { counts: { talk_lines: 5 }, readAt: 1000 });
    const racers = Array.from({ length: 20 }, () =>
      new DynamoSeatReadingStore(localDocumentClient(), table.tableName).take("office-b", "talk_lines", 0),
    );
    const outcomes = await Promise.all(racers);
    expect(outcomes.filter((outcome) => outcome.taken)).toHaveLength(5);
    const lefts = outcomes.flatMap((outcome) => (outcome.taken ? [outcome.left] : [])).sort((a, b) => a - b);
    expect(lefts).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps the newer of two readings, and forgets one on request", async () => {
    await store.save("office-c", { counts: { talk_lines: 3 }, readAt: 2000 });
    await store.save("office-c", { counts: { talk_lines: 9 }, readAt: 1000 }); // older: ignored
    expect(await store.take("office-c", "talk_lines", 2000)).toEqual({ taken: true, left: 2 });
    await store.save("office-c", { counts: { talk_lines: 9 }, readAt: 3000 });
    expect(await store.take("office-c", "talk_lines", 2000)).toEqual({ taken: true, left: 8 });
    await store.forget("office-c");
    expect(await store.take("office-c", "talk_lines", 0)).toEqual({ taken: false });
  });

  it("reads an office's reading with the seats taken since counted down, and nothing for an office never read", async () => {
    expect(await store.read("office-d")).toBeUndefined();
    await store.save("office-d", { counts: { talk_lines: 4, sell_lines: 1 }, readAt: 5000 });
    await store.take("office-d", "talk_lines", 0);
    expect(await store.read("office-d")).toEqual({ counts: { talk_lines: 3, sell_lines: 1 }, readAt: 5000 });
  });
});

describe("DynamoOfficeListStore", () => {
  it("keeps the newer list, and lets one of many racing listings ask for a refresh per window", async () => {
    const offices = new DynamoOfficeListStore(localDocumentClient(), table.tableName);
    expect(await offices.read()).toBeUndefined();
    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        new DynamoOfficeListStore(localDocumentClient(), table.tableName).claimRefresh(1000, 0),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Still the listing window the claim was made in: nobody asks again.
    expect(await offices.claimRefresh(1500, 1000)).toBe(false);
    expect(await offices.claimRefresh(70_000, 10_000)).toBe(true);
    // The refresh marker alone is no list.
    expect(await offices.read()).toBeUndefined();

    await offices.save({ offices: [{ id: "1", name: "HQ" }], readAt: 2000 });
    await offices.save({ offices: [{ id: "9", name: "Old" }], readAt: 1000 });
    expect(await offices.read()).toEqual({
      offices: [{ id: "1", name: "HQ" }],
      callCenters: [],
      readAt: 2000,
    });
  });
});
