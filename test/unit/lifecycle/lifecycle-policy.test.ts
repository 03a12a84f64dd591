/**
 * The lifecycle policy's pure decisions, rule by rule: each refusal of a deletion, what an
 * offboard's retention keeps, who may lift a hold, and what a request needs `admin` for.
 */
import { describe, expect, it } from "vitest";
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import {
  decideLiftHold,
  decidePlaceHold,
  deletionRefusal,
  offboardRetention,
  requestNeedsAdmin,
  sweepDecision,
} from "../../../shared/lifecycle/lifecycle-policy";
import type { Job, JobKind, Person } from "../../../shared/lifecycle/model";

const NOW = new Date("2026-01-05T09:00:00.000Z");
const PAST = "2026-01-01T00:00:00.000Z";
const FUTURE = "2026-02-01T00:00:00.000Z";
const due = (fields: Partial<Person> = {}): Person => ({
  email: "p@example.com",
  state: "suspended",
  user_id: "10",
  suspended_at: PAST,
  delete_after: PAST,
  updated_at: PAST,
  ...fields,
});
const HOLD = { reason: "litigation", by: "legal", at: PAST };

describe("deletionRefusal: the delete job's record guards", () => {
  const job = { user_id: "10", delete_after: PAST };
  const refusal = (
    person: Person | undefined,
    requireApproval = false,
    forJob: typeof job | { user_id: string } = job,
  ) => deletionRefusal(person, forJob, NOW, requireApproval);

  it("lets a suspended, due, unheld record of the same user be deleted", () => {
    expect(refusal(due())).toBeUndefined();
    expect(refusal(due({ deletion_requires_approval: true, deletion_approved_at: PAST }))).toBeUndefined();
  });

  it.each([
    ["no record", undefined, /no lifecycle record/],
    ["a legal hold", due({ hold: HOLD }), /legal hold placed .* by legal/],
    ["an active record", due({ state: "active" }), /the record is active, not suspended/],
    ["another Dialpad user", due({ user_id: "11" }), /now names Dialpad user 11/],
    ["no deadline", due({ delete_after: undefined }), /no retention deadline/],
    ["a deadline not reached", due({ delete_after: FUTURE }), /moved to 2026-02-01/],
    ["a hand suspension not approved", due({ deletion_requires_approval: true }), /needs an approval/],
  ])("refuses %s", (_case, person, reason) => {
    expect(refusal(person)).toMatch(reason);
  });

  it("refuses a deadline later than the job's, and a missing approval when approvals are required", () => {
    expect(refusal(due({ delete_after: "2026-01-02T00:00:00.000Z" }))).toMatch(/moved to 2026-01-02/);
    expect(refusal(due(), false, { user_id: "10" })).toBeUndefined();
    expect(refusal(due(), true)).toMatch(/needs an approval/);
  });

  it("the sweeper skips what the delete job would refuse", () => {
    expect(sweepDecision(due({ hold: HOLD }), false)).toBe("held");
    expect(sweepDecision(due(), true)).toBe("awaiting_approval");
    expect(sweepDecision(due({ user_id: undefined }), false)).toBe("no_user_id");
    expect(sweepDecision(due(), false)).toBe("delete");
  });
});

describe("offboardRetention", () => {
  const retention = (person: Person | undefined, admin: boolean, days = 30, state = "active") =>
    offboardRetention(person, { retentionDays: days, dialpadStateAtStart: state }, { admin }, NOW);
  const in30 = "2026-02-04T09:00:00.000Z";

  it("a first suspension: now + the retention, no approval needed, any earlier approval lapses", () => {
    const first = retention(due({ state: "active", delete_after: undefined }), false);
    expect(first.set).toMatchObject({
      state: "suspended",
      suspended_at: NOW.toISOString(),
      delete_after: in30,
    });
    expect(first.remove).toEqual(["deleted_at", "deletion_approved_at", "deletion_requires_approval"]);
  });

  it("already suspended, without admin: the later deadline, the same suspension, the need for approval kept", () => {
    const later = "2036-01-01T00:00:00.000Z";
    const kept = retention(
      due({ delete_after: later, deletion_requires_approval: true }),
      false,
      30,
      "suspended",
    );
    expect(kept.set).toMatchObject({
      suspended_at: PAST,
      delete_after: later,
      deletion_requires_approval: true,
    });
    expect(kept.remove).not.toContain("deletion_requires_approval");
    expect(kept.detail).toMatch(/kept the later deadline .* and the need for an approval/);
    // An earlier deadline is moved later: retention only lengthens.
    expect(retention(due(), false, 30, "suspended").set.delete_after).toBe(in30);
  });

  it("with admin: the asked deadline, even earlier, and no need for approval", () => {
    const shortened = retention(due({ delete_after: FUTURE, deletion_requires_approval: true }), true, 0);
    expect(shortened.set.delete_after).toBe(NOW.toISOString());
    expect(shortened.remove).toContain("deletion_requires_approval");
  });

  it("says a hold stands", () => {
    expect(retention(due({ hold: HOLD }), true).detail).toMatch(/legal hold placed .* by legal stands/);
  });
});

describe("holds", () => {
  it("places on active or suspended people only; a second hold keeps the first", () => {
    expect(decidePlaceHold(due({ state: "active" }), "r", { client: "legal" }, NOW)).toMatchObject({
      outcome: "place",
      hold: { by: "legal", reason: "r" },
    });
    expect(decidePlaceHold(due({ hold: HOLD }), "r", { client: "hr" }, NOW)).toEqual({
      outcome: "already_held",
    });
    expect(() => decidePlaceHold(due({ state: "deleted" }), "r", { client: "legal" }, NOW)).toThrow(
      expect.objectContaining({ code: "not_holdable" }),
    );
    expect(() => decidePlaceHold(undefined, "r", { client: "legal" }, NOW)).toThrow(
      expect.objectContaining({ code: "user_not_found" }),
    );
  });

  it("lifts for its placer or an admin client only", () => {
    expect(decideLiftHold(due({ hold: HOLD }), { client: "legal" })).toMatchObject({ outcome: "lift" });
    expect(decideLiftHold(due({ hold: HOLD }), { client: "it", admin: true })).toMatchObject({
      outcome: "lift",
    });
    expect(() => decideLiftHold(due({ hold: HOLD }), { client: "hr", admin: false })).toThrow(
      expect.objectContaining({ code: "not_hold_owner" }),
    );
    expect(decideLiftHold(due(), { client: "hr" })).toEqual({ outcome: "not_held" });
  });
});

describe("requestNeedsAdmin, as each kind asks it (adminAsk)", () => {
  it("names what needs admin: granting rights, any change of them in an update, a shorter retention", () => {
    const ask = (kind: JobKind, request: object) =>
      JOB_KINDS.adminAskOf({ kind, request } as Pick<Job, "kind" | "request">, { retentionDays: 30 });
    expect(ask("onboard", { admin_type: "none" })).toBeUndefined();
    expect(ask("onboard", { admin_type: "office" })).toMatch(/grant admin rights/);
    expect(ask("update", { admin_type: "none" })).toMatch(/revoke admin rights/);
    expect(ask("offboard", { retention_days: 29 })).toMatch(/shorter than the default of 30/);
    expect(ask("offboard", { retention_days: 30 })).toBeUndefined();
    expect(ask("import", {})).toBeUndefined();
    expect(requestNeedsAdmin({ admin_type: "none" }, 30)).toBeUndefined();
    expect(requestNeedsAdmin({ admin_type: "none" }, 30, { revokingToo: true })).toMatch(/revoke/);
  });
});
