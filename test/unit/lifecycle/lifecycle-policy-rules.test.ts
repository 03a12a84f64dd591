/**
 * The lifecycle policy's remaining rules, each at its edge (the cases mutation testing showed
 * untested): admin refusals without a recorded authority, what a hand suspension writes, what a
 * non-admin re-offboard keeps and says, who may approve, what a hold records, a deadline due now.
 */
import { describe, expect, it } from "vitest";
import {
  adminRightsRefusal,
  decideApproval,
  decidePlaceHold,
  deletionRefusal,
  offboardRetention,
  privilegeRefusal,
  suspensionSeen,
} from "../../../shared/lifecycle/lifecycle-policy";
import type { HistoryEntry, Job, Person } from "../../../shared/lifecycle/model";

const NOW = new Date("2026-01-05T09:00:00.000Z");
const DAY_MS = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS).toISOString();
const PAST = "2026-01-01T00:00:00.000Z";
const suspended = (fields: Partial<Person> = {}): Person => ({
  email: "p@example.com",
  state: "suspended",
  user_id: "10",
  suspended_at: PAST,
  delete_after: inDays(30),
  updated_at: PAST,
  ...fields,
});
const entry = (action: string, client: string): HistoryEntry =>
  ({ at: PAST, action, source: "api", client, detail: action }) as HistoryEntry;

describe("admin refusals", () => {
  it("refuse when the job recorded no authority at all", () => {
    expect(privilegeRefusal({ id: "10", is_super_admin: true }, undefined, "offboard")).toContain(
      '"admin" scope',
    );
    expect(adminRightsRefusal("office", undefined, "grant")).toMatch(/^Granting admin rights/);
    expect(adminRightsRefusal("none", { admin: false }, "change")).toMatch(/^Changing admin rights/);
  });
});

describe("suspensionSeen: a suspension our record learns from Dialpad", () => {
  it("starts a new suspension for a person our record has active, and lets old approvals lapse", () => {
    const seen = suspensionSeen(suspended({ state: "active", suspended_at: PAST }), "10", NOW, 30);
    expect(seen.set.suspended_at).toBe(NOW.toISOString());
    expect(seen.remove).toEqual(["deleted_at", "deletion_approved_at", "deletion_admin_authority"]);
  });
});

describe("offboardRetention: a non-admin offboard of someone already suspended", () => {
  const nonAdmin = { admin: false };
  it("keeps the later deadline and says so, needing no approval that was not needed", () => {
    const retention = offboardRetention(
      suspended({ delete_after: inDays(3650) }),
      { retentionDays: 30, dialpadStateAtStart: "suspended" },
      nonAdmin,
      NOW,
    );
    expect(retention.set.deletion_requires_approval).toBeUndefined();
    expect(retention.detail).toBe(
      `delete after ${inDays(3650)}; already suspended, so kept the later deadline ${inDays(3650)} (asked ${inDays(30)}) (only an "admin" client may shorten or clear them)`,
    );
  });

  it("says nothing was kept when it asks a later deadline and no approval was needed", () => {
    const retention = offboardRetention(
      suspended({ delete_after: inDays(10) }),
      { retentionDays: 30, dialpadStateAtStart: "suspended" },
      nonAdmin,
      NOW,
    );
    expect(retention.detail).toBe(`delete after ${inDays(30)}`);
  });
});

describe("decideApproval: who may approve", () => {
  const found = (person: Person, history: HistoryEntry[] = []) => ({ person, history });
  const approve = (person: Person, client: string, history: HistoryEntry[] = [], jobs: Job[] = []) =>
    decideApproval(found(person, history), { client }, NOW, jobs);

  it("refuses a person who is not suspended", () => {
    expect(() => approve(suspended({ state: "active" }), "security")).toThrow(
      expect.objectContaining({ code: "not_suspended" }),
    );
  });

  it("refuses the client whose offboard made the suspension, with nothing on the history", () => {
    const person = suspended({ suspended_by: { job_id: "j1", client: "ticketing" } });
    expect(() => approve(person, "ticketing")).toThrow(expect.objectContaining({ code: "self_approval" }));
    expect(approve(person, "security").outcome).toBe("approve");
  });

  it("refuses a client that asked for an offboard of this suspension, now finished, that another client's suspension stands on", () => {
    // Client B suspended; client A then offboarded the suspended person too (its job has ended).
    const person = suspended({ suspended_by: { job_id: "j1", client: "security" } });
    const history = [entry("offboard_requested", "ticketing")];
    const ended = [{ client: "ticketing", status: "succeeded" }] as Job[];
    expect(() => approve(person, "ticketing", history, ended)).toThrow(
      expect.objectContaining({ code: "self_approval" }),
    );
    // Another client's request on the history does not stop a third one.
    expect(approve(person, "legal", history, ended).outcome).toBe("approve");
  });

  it("refuses only the client whose offboard is open, not every client", () => {
    const open = [{ client: "ticketing", status: "running" }] as Job[];
    expect(approve(suspended(), "security", [], open).outcome).toBe("approve");
    expect(() => approve(suspended(), "ticketing", [], open)).toThrow(
      expect.objectContaining({ code: "self_approval" }),
    );
  });

  it("a client that placed a hold, but did not lift one, may approve", () => {
    expect(approve(suspended(), "legal", [entry("hold_placed", "legal")]).outcome).toBe("approve");
  });

  it("keeps an earlier approval, and records an admin's authority only for an admin", () => {
    expect(approve(suspended({ deletion_approved_at: PAST }), "security").outcome).toBe("already_approved");
    const byAdmin = decideApproval(found(suspended()), { client: "it", admin: true }, NOW, []);
    const byOther = decideApproval(found(suspended()), { client: "security" }, NOW, []);
    expect(byAdmin.outcome === "approve" && byAdmin.set).toEqual({
      deletion_approved_at: NOW.toISOString(),
      deletion_admin_authority: true,
    });
    expect(byOther.outcome === "approve" && byOther.set).toEqual({ deletion_approved_at: NOW.toISOString() });
  });
});

describe("decidePlaceHold and deletionRefusal at their edges", () => {
  it("a hold records the ticket it was placed for", () => {
    const ticket = { system: "servicenow", id: "LEGAL1" };
    const decision = decidePlaceHold(suspended(), "litigation", { client: "legal", ticket }, NOW);
    expect(decision.outcome === "place" && decision.hold.ticket).toEqual(ticket);
  });

  it("a deadline that is now is due; one later than now is not, whatever the job was made for", () => {
    const job = { user_id: "10" };
    expect(deletionRefusal(suspended({ delete_after: NOW.toISOString() }), job, NOW, false)).toBeUndefined();
    expect(deletionRefusal(suspended({ delete_after: inDays(1) }), job, NOW, false)).toContain("moved");
  });
});
