/**
 * Moves and licence changes take their seat from the office's shared reading, as onboardings do:
 * jobs that run together share one Dialpad read, each counts the reading down, a reading at zero is
 * read again before a job fails, and Dialpad's own refusal drops the reading.
 */
import { describe, expect, it } from "vitest";
import type { JobOf } from "../../../shared/lifecycle/model";
import { type MemoryService, memoryService } from "../support/memory-service";

async function run(s: MemoryService, submitted: Promise<{ job: { job_id: string } }>) {
  const { job } = await submitted;
  await s.work();
  return (await s.jobs.get(job.job_id)) as JobOf<"update">;
}

/** Two people onboarded in HQ, and a second office with `talkLines` talk seats. */
async function twoPeopleAndAnOffice(talkLines: number) {
  const s = memoryService();
  for (const email of ["a@example.com", "b@example.com"]) await run(s, s.onboard({ email }));
  const remote = s.dialpad.addOffice("Remote", { talk_lines: talkLines });
  const seatReads = () =>
    s.dialpad.calls.filter((call) => call.method === "getAvailableLicenses" && call.args[0] === remote.id)
      .length;
  const officeOf = (email: string) => s.dialpad.byEmail(email)[0]?.office_id;
  return { s, remote, seatReads, officeOf };
}

describe("seats on moves and licence changes", () => {
  it("moves into one office share one Dialpad read and each counts the reading down", async () => {
    const { s, remote, seatReads, officeOf } = await twoPeopleAndAnOffice(5);
    const moves = await Promise.all(
      ["a@example.com", "b@example.com"].map((email) => s.update({ email, office_id: remote.id })),
    );
    await s.work();
    for (const { job } of moves) expect((await s.jobs.get(job.job_id))?.status).toBe("succeeded");
    expect(officeOf("a@example.com")).toBe(remote.id);
    expect(officeOf("b@example.com")).toBe(remote.id);
    expect(seatReads()).toBe(1);
    expect(s.seatStore.readings.get(remote.id)?.counts.talk_lines).toBe(3);
  });

  it("a licence change takes a seat of the new line from the fresh reading, without a Dialpad read", async () => {
    const s = memoryService();
    await run(s, s.onboard({ email: "a@example.com" }));
    const readsBefore = s.dialpad.count("getAvailableLicenses");
    const sellLinesBefore = s.seatStore.readings.get(s.hq.id)?.counts.sell_lines ?? 0;
    const job = await run(s, s.update({ email: "a@example.com", license: "agents" }));
    expect(job.status, JSON.stringify(job.steps)).toBe("succeeded");
    expect(s.dialpad.count("getAvailableLicenses")).toBe(readsBefore);
    expect(s.seatStore.readings.get(s.hq.id)?.counts.sell_lines).toBe(sellLinesBefore - 1);
    expect(s.dialpad.byEmail("a@example.com")[0]?.license).toBe("agents");
  });

  it("a reading at zero is read again: no_seats only when Dialpad says none, the user left where it was", async () => {
    const { s, remote, seatReads, officeOf } = await twoPeopleAndAnOffice(1);
    expect((await run(s, s.update({ email: "a@example.com", office_id: remote.id }))).status).toBe(
      "succeeded",
    );
    const refused = await run(s, s.update({ email: "b@example.com", office_id: remote.id }));
    expect(refused.error?.code).toBe("no_seats");
    expect(officeOf("b@example.com")).toBe(s.hq.id);
    expect(seatReads()).toBe(2);
    // A seat freed outside this service: the reading still says zero, Dialpad is asked and the move goes ahead.
    remote.seats.talk_lines = 1;
    // A new attempt: the same body alone would answer the failed job again (idempotency).
    const retry = s.update({ email: "b@example.com", office_id: remote.id }, "retry-after-seats-freed");
    expect((await run(s, retry)).status).toBe("succeeded");
    expect(officeOf("b@example.com")).toBe(remote.id);
    expect(seatReads()).toBe(3);
  });

  it("Dialpad's refusal of a move for want of seats fails no_seats and drops the office's reading", async () => {
    const { s, remote, officeOf } = await twoPeopleAndAnOffice(5);
    expect((await run(s, s.update({ email: "a@example.com", office_id: remote.id }))).status).toBe(
      "succeeded",
    );
    // Seats used outside this service: the reading (4 left) counts too many.
    remote.seats.talk_lines = 0;
    const refused = await run(s, s.update({ email: "b@example.com", office_id: remote.id }));
    expect(refused.error?.code).toBe("no_seats");
    expect(officeOf("b@example.com")).toBe(s.hq.id);
    expect(s.seatStore.readings.has(remote.id)).toBe(false);
  });
});
