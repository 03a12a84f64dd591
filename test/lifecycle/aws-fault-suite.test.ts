/**
 * The AWS fault suite: the service's DynamoDB client failing 5 % of its commands (throughput
 * exceeded, throttling, 500s, dropped connections) and hanging on 1 % of its attempts, its SQS client
 * failing 5 % of SendMessage and 20 % of DeleteMessageBatch, all by a seeded draw
 * (test/support/aws-faults.ts). 60
 * onboardings and 20 offboardings are asked through the API function; a 503 is repeated with the
 * same Idempotency-Key, as a ticketing system would. No answer may be a 500, each request makes one
 * job, every job reaches a final status, and Dialpad sees each change once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import type { Job } from "../../shared/lifecycle/model";
import { apiOf, callApi } from "../support/api-caller";
import { AwsFaults } from "../support/aws-faults";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const ONBOARDINGS = 60;
const OFFBOARDINGS = 20;
const client = { name: "ticketing", scopes: ["onboard", "offboard", "read"] };

let h: LifecycleHarness;
let api: ApiHandler;
const faults = new AwsFaults(20_261_207, {
  dynamoErrors: 0.05,
  dynamoHung: 0.01,
  sqsSendFailures: 0.05,
  // Deletes are batched (a few dozen in a run): a higher rate so some surely fail.
  sqsDeleteFailures: 0.2,
  hungMs: 300,
});

beforeAll(async () => {
  h = await startLifecycleHarness({
    awsFaults: faults,
    // Every Dialpad request stays in the sandbox's log, to count the changes per user.
    sandbox: { requestLogSize: 100_000 },
    maxReceives: 30,
  });
  api = apiOf(h.service);
});
afterAll(async () => {
  faults.disable();
  await h?.stop();
});

/** Asks until the API accepts; answers every status seen and the job ids answered. */
async function askUntilAccepted(path: string, body: object, idempotencyKey: string) {
  const statuses: number[] = [];
  const jobIds = new Set<string>();
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const answer = await callApi(api, {
      method: "POST",
      path,
      body,
      headers: { "idempotency-key": idempotencyKey },
      client,
    });
    statuses.push(answer.status);
    if (answer.status !== 503) {
      if (answer.body.job_id) jobIds.add(answer.body.job_id);
      return { statuses, jobIds };
    }
    expect(answer.headers["retry-after"], "a 503 says when to retry").toMatch(/^[1-9]\d*$/);
    // Shorter than retry-after, to keep the suite quick: the point is the same key, not the wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { statuses, jobIds };
}

describe("the AWS fault suite", () => {
  it(`${ONBOARDINGS} onboardings and ${OFFBOARDINGS} offboardings reach a final status, each change made once`, async () => {
    const leavers = Array.from({ length: OFFBOARDINGS }, (_, i) =>
      h.sandbox.byHand.createUser({ email: `aws-leaver-${i}@example.com` }),
    );
    const joiners = Array.from({ length: ONBOARDINGS }, (_, i) => `aws-joiner-${i}@example.com`);
    const asked = await Promise.all([
      ...joiners.map((email, i) =>
        askUntilAccepted(
          "/v1/onboard",
          { email, first_name: "Ada", last_name: "Lovelace", office_name: "HQ" },
          `aws-join-${i}`,
        ),
      ),
      ...leavers.map((user, i) =>
        askUntilAccepted("/v1/offboard", { email: user.emails[0] }, `aws-leave-${i}`),
      ),
    ]);

    const statuses = asked.flatMap((answer) => answer.statuses);
    expect(
      statuses.filter((status) => status !== 202 && status !== 200 && status !== 503),
      "no answer but 200, 202 or 503",
    ).toEqual([]);
    expect(
      asked.map((answer) => answer.jobIds.size),
      "each request, however often repeated, answers one job",
    ).toEqual(asked.map(() => 1));

    const jobIds = asked.flatMap((answer) => [...answer.jobIds]);
    // One job polled at a time: 80 pollers would be most of DynamoDB's traffic.
    const done: Job[] = [];
    for (const id of jobIds) done.push(await h.waitForJob(id, undefined, 120_000));
    faults.disable();
    const failed = done.filter((job) => job.status !== "succeeded");
    expect(
      failed.map((job) => ({ email: job.email, status: job.status, error: job.error })),
      "every job succeeds",
    ).toEqual([]);

    // Each Dialpad change, counted from the sandbox's log: one create per joiner, one suspend per leaver.
    const changes = h.sandbox.stats().recentRequests.filter((entry) => entry.status === 200);
    const creates = new Map<string, number>();
    const suspends = new Map<string, number>();
    for (const entry of changes) {
      const body = entry.body as { email?: string; state?: string } | undefined;
      if (entry.route === "POST /users" && body?.email)
        creates.set(body.email, (creates.get(body.email) ?? 0) + 1);
      if (entry.route === "PATCH /users/{id}" && body?.state === "suspended")
        suspends.set(entry.path, (suspends.get(entry.path) ?? 0) + 1);
    }
    expect(joiners.map((email) => creates.get(email) ?? 0)).toEqual(joiners.map(() => 1));
    expect([...suspends.values()]).toEqual(leavers.map(() => 1));
    for (const leaver of leavers) expect(h.sandbox.state.user(leaver.id)?.state).toBe("suspended");

    console.info(
      `AWS fault suite: ${JSON.stringify(faults.counts)}, API answers ${JSON.stringify(countOf(statuses))}`,
    );

    // The faults really happened, of every kind.
    for (const [kind, count] of Object.entries(faults.counts)) expect(count, kind).toBeGreaterThan(0);
    expect(
      statuses.filter((status) => status === 503).length,
      "some requests were answered 503",
    ).toBeGreaterThan(0);
  }, 300_000);
});

function countOf(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
