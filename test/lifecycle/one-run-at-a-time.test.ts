/**
 * One run of a job at a time, and the worker's deadline, on real parts (DynamoDB Local, the SQS
 * server, the Dialpad sandbox over HTTP): two deliveries of the same job at once assign one number
 * and run one set of steps; a worker with 3 s left and a slow Dialpad hands its record back, and
 * the job later succeeds with nothing left running or leased.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { afterEach, expect, it } from "vitest";
import { createWorkerHandler } from "../../functions/worker/worker";
import { lambdaContext } from "../../local/runtime/lambda-context";
import { localDocumentClient } from "../support/aws";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

let h: LifecycleHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const doc = localDocumentClient();

function deliveryOf(harness: LifecycleHarness, jobId: string, messageId: string): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `receipt-${messageId}`,
        body: JSON.stringify({ job_id: jobId }),
        attributes: { ApproximateReceiveCount: "1" },
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${harness.queues.bulk.queueUrl.split("/").pop()}`,
      },
    ],
  } as unknown as SQSEvent;
}

async function rawItem(harness: LifecycleHarness, pk: string, sk: string) {
  const result = await doc.send(
    new GetCommand({ TableName: harness.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return result.Item ?? {};
}

it("two deliveries of the same job at once assign one number and run one set of steps", async () => {
  h = await startLifecycleHarness({ startWorkers: false, sandbox: { latencyMs: 200, jitterMs: 0 } });
  const harness = h;
  const worker = createWorkerHandler({ ...harness.service.worker, busyDelaySeconds: 1, retryDelay: () => 0 });
  const { job } = await harness.onboard({ email: "twice.delivered@example.com", area_code: "212" });
  harness.sandbox.resetStats();

  const answers = await Promise.all([
    worker(deliveryOf(harness, job.job_id, "first")),
    worker(deliveryOf(harness, job.job_id, "second")),
  ]);
  expect(answers.flatMap((answer) => answer.batchItemFailures)).toEqual([]);

  const done = await harness.waitForJob(job.job_id);
  expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
  expect(done.steps.map((step) => step.name)).toEqual([
    "resolve_office",
    "find_existing_user",
    "check_seats",
    "create_user",
    "apply_profile",
    "assign_number",
    "add_to_call_centers",
    "record_person",
  ]);
  const routes = harness.sandbox.stats().requestsByRoute;
  expect(routes["POST /users"]).toBe(1);
  expect(routes["POST /users/{id}/assign_number"]).toBe(1);
  const owners = harness.sandbox.state
    .users({ state: "all" } as never)
    .filter((user) => user.emails.includes("twice.delivered@example.com"));
  expect(owners).toHaveLength(1);
  expect(owners[0]?.phoneNumbers).toHaveLength(1);
  expect(await rawItem(harness, `JOB#${job.job_id}`, "JOB")).not.toHaveProperty("run_id");
});

it("a worker with 3 s left and a slow Dialpad hands the record back; the job later succeeds, nothing left running or leased", async () => {
  h = await startLifecycleHarness({ startWorkers: false, sandbox: { latencyMs: 900, jitterMs: 0 } });
  const harness = h;
  const worker = createWorkerHandler({ ...harness.service.worker, busyDelaySeconds: 1, retryDelay: () => 0 });
  const email = "slow.dialpad@example.com";
  const { job } = await harness.onboard({ email, area_code: "212", call_center_ids: [] });

  const event = deliveryOf(harness, job.job_id, "late");
  const answer = await worker(event, lambdaContext("worker", 3));
  expect(answer.batchItemFailures).toEqual([{ itemIdentifier: "late" }]);

  const stopped = await harness.service.jobs.get(job.job_id);
  expect(stopped?.status).toBe("running");
  expect(stopped?.steps.length).toBeLessThan(8);
  expect(await rawItem(harness, `JOB#${job.job_id}`, "JOB")).not.toHaveProperty("run_id");
  expect((await rawItem(harness, `PERSON#${email}`, "PERSON")).lease_holder).toBe(job.job_id);

  // The record comes back: this time the invocation has its full time.
  harness.sandbox.configure({ latencyMs: 0 });
  const again = await worker(event, lambdaContext("worker", 60));
  expect(again.batchItemFailures).toEqual([]);
  const done = await harness.waitForJob(job.job_id);
  expect(done.status, JSON.stringify(done.steps)).toBe("succeeded");
  expect(
    harness.sandbox.state.users({ state: "all" } as never).filter((u) => u.emails.includes(email)),
  ).toHaveLength(1);
  expect(await rawItem(harness, `JOB#${job.job_id}`, "JOB")).not.toHaveProperty("run_id");
  expect(await rawItem(harness, `PERSON#${email}`, "PERSON")).not.toHaveProperty("lease_holder");
});
