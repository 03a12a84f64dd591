/**
 * Onboardings through the queue, worker and Dialpad sandbox with shared seat readings: a batch of
 * plain onboardings reads an office's seats once, and a reading that says zero is read again
 * before a job is failed with no_seats.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

describe("shared seat readings in onboarding", () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await startLifecycleHarness({ sandbox: { requestLogSize: 2000 } });
  });
  afterAll(() => h.stop());

  const seatReads = () =>
    Object.entries(h.sandbox.stats().requestsByRoute)
      .filter(([route]) => route.includes("available_licenses"))
      .reduce((sum, [, count]) => sum + count, 0);

  it("plain onboardings into one office read its seats once: about two Dialpad calls each", async () => {
    const hq = h.sandbox.state.office("HQ");
    if (!hq) throw new Error("no HQ office");
    h.sandbox.resetStats();
    const submitted = await Promise.all(
      Array.from({ length: 12 }, (_, i) => h.onboard({ email: `plain-${i}@example.com`, office_id: hq.id })),
    );
    const done = await Promise.all(submitted.map(({ job }) => h.waitForJob(job.job_id)));
    expect(done.map((job) => job.status)).toEqual(Array(12).fill("succeeded"));
    expect(seatReads()).toBe(1);
    // Look-up and create per onboarding, plus the one seat read.
    expect(h.sandbox.stats().totalRequests).toBe(2 * 12 + 1);
  });

  it("a shared count of zero is read again: seats bought meanwhile are used, none left fails with no_seats", async () => {
    const remote = h.sandbox.state.office("Remote");
    if (!remote) throw new Error("no Remote office");
    h.sandbox.seed.seats(remote.id, { talk_lines: 1 });
    const first = await h.onboard({ email: "last-seat@example.com", office_id: remote.id });
    expect((await h.waitForJob(first.job.job_id)).status).toBe("succeeded");

    h.sandbox.resetStats();
    h.sandbox.seed.seats(remote.id, { talk_lines: 4 }); // the shared reading still says 0
    const second = await h.onboard({ email: "bought-seat@example.com", office_id: remote.id });
    expect((await h.waitForJob(second.job.job_id)).status).toBe("succeeded");
    expect(seatReads()).toBe(1);

    h.sandbox.seed.seats(remote.id, { talk_lines: 0 }); // the shared reading says 3
    const third = await h.onboard({ email: "no-seat-left@example.com", office_id: remote.id });
    const failed = await h.waitForJob(third.job.job_id);
    // Dialpad's own refusal of the create decides; nothing is created.
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("no_seats");
    expect(h.sandbox.state.userByEmail("no-seat-left@example.com")).toBeUndefined();

    // After that refusal the office's reading is dropped: the next job asks Dialpad again.
    h.sandbox.seed.seats(remote.id, { talk_lines: 2 });
    const fourth = await h.onboard({ email: "after-refusal@example.com", office_id: remote.id });
    expect((await h.waitForJob(fourth.job.job_id)).status).toBe("succeeded");
    expect(seatReads()).toBe(2);
  });
});
