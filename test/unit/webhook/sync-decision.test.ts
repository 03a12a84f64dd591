/**
 * What a user's state in Dialpad means for our record (decideSync), case by case: a pure
 * function of the record and the user, so late or repeated events cannot undo a newer change.
 */
import { describe, expect, it } from "vitest";
import type { Person, PersonState } from "../../../shared/lifecycle/model";
import { decideSync } from "../../../shared/webhook/sync-decision";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const person = (state: PersonState, extra: Partial<Person> = {}): Person => ({
  email: "p@example.com",
  user_id: "10",
  state,
  office_id: "1",
  updated_at: "2026-01-01T00:00:00.000Z",
  ...extra,
});
const decide = (record: Person, state: string, officeId = "1") =>
  decideSync(record, { id: "10", state: state as never, office_id: officeId }, NOW, 30, "evt-1");

describe("decideSync", () => {
  it("a user deleted by hand: record deleted, pending retention cleared, queued onboarding cancelled", () => {
    const decision = decide(person("suspended", { delete_after: "2026-04-01T00:00:00.000Z" }), "deleted");
    expect(decision.cancelQueuedOnboard).toBe(true);
    expect(decision.change?.set).toMatchObject({ state: "deleted", deleted_at: NOW.toISOString() });
    expect(decision.change?.remove).toContain("delete_after");
    expect(decision.change?.history).toMatchObject({ action: "deleted_by_hand", source: "webhook" });
    expect(decision.change?.history.detail).toContain("evt-1");
  });

  it("a deleted record stays as it is when Dialpad says deleted again", () => {
    expect(decide(person("deleted"), "deleted")).toEqual({ cancelQueuedOnboard: false });
  });

  it("a suspension by hand starts the default retention and needs an approval", () => {
    const decision = decide(person("active"), "suspended");
    expect(decision.change?.set).toMatchObject({
      state: "suspended",
      suspended_at: NOW.toISOString(),
      delete_after: "2026-03-31T12:00:00.000Z",
      deletion_requires_approval: true,
    });
    expect(decision.change?.history.action).toBe("suspended_by_hand");
    expect(decision.cancelQueuedOnboard).toBe(false);
  });

  it("a suspended record without a deadline gets one, keeping its suspension time", () => {
    const decision = decide(person("suspended", { suspended_at: "2026-02-01T00:00:00.000Z" }), "suspended");
    expect(decision.change?.set).toMatchObject({ suspended_at: "2026-02-01T00:00:00.000Z" });
    expect(decision.change?.set.delete_after).toBeDefined();
  });

  it("a suspended record with its deadline is left alone (our own offboarding)", () => {
    const decision = decide(person("suspended", { delete_after: "2026-04-01T00:00:00.000Z" }), "suspended");
    expect(decision.change).toBeUndefined();
  });

  it("a reactivation by hand: record active, pending deletion and approvals cleared", () => {
    const decision = decide(person("suspended", { delete_after: "2026-04-01T00:00:00.000Z" }), "active");
    expect(decision.change?.set).toMatchObject({ state: "active" });
    expect(decision.change?.remove).toEqual(
      expect.arrayContaining(["delete_after", "suspended_at", "deletion_approved_at"]),
    );
    expect(decision.change?.history.detail).toContain("pending deletion");
  });

  it("an office moved by hand is followed", () => {
    const decision = decide(person("active"), "active", "2");
    expect(decision.change?.set).toMatchObject({ office_id: "2" });
    expect(decision.change?.history.action).toBe("office_changed_by_hand");
  });

  it("an office move rides along with a suspension by hand", () => {
    expect(decide(person("active"), "suspended", "3").change?.set).toMatchObject({ office_id: "3" });
  });

  it.each([
    ["active", "active"],
    ["active", "pending"],
    ["active", "cancelled"],
    ["deleted", "active"],
    ["deleted", "suspended"],
    ["onboarding", "pending"],
  ] as const)("record %s, Dialpad %s: nothing to change", (recordState, dialpadState) => {
    expect(decide(person(recordState), dialpadState).change).toBeUndefined();
  });

  it("the office of a deleted record is not followed", () => {
    expect(decide(person("deleted"), "active", "9").change).toBeUndefined();
  });
});
