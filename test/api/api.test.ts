/**
 * The API function over real DynamoDB Local and SQS: what is accepted, what is refused, and that a
 * refused request leaves nothing behind (no job, no queued message).
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { type ApiCall, apiOf, callApi } from "../support/api-caller";
import { localDocumentClient } from "../support/aws";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const everyScope = { name: "servicenow", scopes: ["onboard", "offboard", "read"] };
const onboardBody = {
  email: "new.hire@example.com",
  first_name: "New",
  last_name: "Hire",
  office_name: "HQ",
};

describe("HTTP API", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const call = (c: ApiCall) => callApi(api, c);

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
  });
  afterAll(() => h.stop());

  async function nothingWritten() {
    const scan = await localDocumentClient().send(new ScanCommand({ TableName: h.tableName }));
    const messages = await Promise.all(
      [h.queues.urgent.queueUrl, h.queues.bulk.queueUrl].map((QueueUrl) =>
        h.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0, VisibilityTimeout: 0 })),
      ),
    );
    return { items: scan.Items ?? [], messages: messages.flatMap((m) => m.Messages ?? []) };
  }

  it("answers health without a token", async () => {
    expect(await call({ method: "GET", path: "/v1/health" })).toMatchObject({
      status: 200,
      body: { status: "ok" },
    });
  });

  const refused: [string, ApiCall, number, string][] = [
    [
      "no authorizer context",
      { method: "POST", path: "/v1/onboard", body: onboardBody },
      401,
      "unauthorized",
    ],
    [
      "read-only client onboarding",
      { method: "POST", path: "/v1/onboard", body: onboardBody, client: { name: "jira", scopes: ["read"] } },
      403,
      "forbidden",
    ],
    [
      "onboard-only client offboarding",
      {
        method: "POST",
        path: "/v1/offboard",
        body: { email: "a@example.com" },
        client: { name: "jira", scopes: ["onboard"] },
      },
      403,
      "forbidden",
    ],
    [
      "offboard client reading a job",
      { method: "GET", path: "/v1/jobs/x", client: { name: "jira", scopes: ["offboard"] } },
      403,
      "forbidden",
    ],
    [
      "missing last name",
      {
        method: "POST",
        path: "/v1/onboard",
        body: { ...onboardBody, last_name: undefined },
        client: everyScope,
      },
      400,
      "validation_failed",
    ],
    [
      "unknown field",
      { method: "POST", path: "/v1/onboard", body: { ...onboardBody, manager: "x" }, client: everyScope },
      400,
      "validation_failed",
    ],
    [
      "bad email",
      {
        method: "POST",
        path: "/v1/onboard",
        body: { ...onboardBody, email: "not-an-email" },
        client: everyScope,
      },
      400,
      "validation_failed",
    ],
    [
      "retention out of range",
      {
        method: "POST",
        path: "/v1/offboard",
        body: { email: "a@example.com", retention_days: 4000 },
        client: everyScope,
      },
      400,
      "validation_failed",
    ],
    [
      "offboard with neither email nor id",
      { method: "POST", path: "/v1/offboard", body: { retention_days: 3 }, client: everyScope },
      400,
      "validation_failed",
    ],
    [
      "not JSON",
      { method: "POST", path: "/v1/onboard", body: "{email:", client: everyScope },
      400,
      "invalid_json",
    ],
    [
      "a JSON array",
      { method: "POST", path: "/v1/onboard", body: [onboardBody], client: everyScope },
      400,
      "validation_failed",
    ],
    [
      "wrong content type",
      {
        method: "POST",
        path: "/v1/onboard",
        body: onboardBody,
        headers: { "content-type": "text/plain" },
        client: everyScope,
      },
      415,
      "unsupported_media_type",
    ],
    [
      "a 100 KB body",
      {
        method: "POST",
        path: "/v1/onboard",
        body: { ...onboardBody, first_name: "x".repeat(100_000) },
        client: everyScope,
      },
      413,
      "payload_too_large",
    ],
    [
      "an onboard-only client granting admin rights",
      {
        method: "POST",
        path: "/v1/onboard",
        body: { ...onboardBody, admin_type: "company" },
        client: { name: "jira", scopes: ["onboard"] },
      },
      403,
      "forbidden",
    ],
    [
      "an offboard-only client asking a retention shorter than the default",
      {
        method: "POST",
        path: "/v1/offboard",
        body: { email: "a@example.com", retention_days: 0 },
        client: { name: "jira", scopes: ["offboard"] },
      },
      403,
      "forbidden",
    ],
    [
      "a read-only client starting a reconciliation",
      { method: "POST", path: "/v1/reconcile", client: { name: "jira", scopes: ["read"] } },
      403,
      "forbidden",
    ],
    [
      "an offboard-only client approving a deletion",
      {
        method: "POST",
        path: "/v1/users/a%40example.com/approve-deletion",
        client: { name: "jira", scopes: ["offboard"] },
      },
      403,
      "forbidden",
    ],
    [
      "a malformed path encoding",
      { method: "GET", path: "/v1/users/%E0%A4%A", client: everyScope },
      400,
      "invalid_path",
    ],
    [
      "a bad Idempotency-Key",
      {
        method: "POST",
        path: "/v1/onboard",
        body: onboardBody,
        headers: { "idempotency-key": "\u0001" },
        client: everyScope,
      },
      400,
      "invalid_idempotency_key",
    ],
  ];

  it.each(refused)("refuses %s and writes nothing", async (_name, request, status, code) => {
    const response = await call(request);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toEqual(expect.any(String));
    expect(await nothingWritten()).toEqual({ items: [], messages: [] });
  });

  it("answers 404 for an unknown job and an unknown person", async () => {
    expect((await call({ method: "GET", path: "/v1/jobs/nope", client: everyScope })).status).toBe(404);
    const user = await call({ method: "GET", path: "/v1/users/nobody%40example.com", client: everyScope });
    expect(user).toMatchObject({ status: 404, body: { error: { code: "user_not_found" } } });
  });

  it("accepts an onboarding with 202 and the job, then answers a repeat with 200 and the same job", async () => {
    const request = {
      method: "POST",
      path: "/v1/onboard",
      body: { ...onboardBody, ticket: { system: "jira", id: "IT-7" } },
      client: everyScope,
    };
    const first = await call(request);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ kind: "onboard", status: "queued", email: "new.hire@example.com" });
    expect(first.body.links.self).toBe(`/v1/jobs/${first.body.job_id}`);
    const again = await call(request);
    expect(again.status).toBe(200);
    expect(again.body.job_id).toBe(first.body.job_id);
    const read = await call({ method: "GET", path: `/v1/jobs/${first.body.job_id}`, client: everyScope });
    expect(read.body).toMatchObject({
      job_id: first.body.job_id,
      ticket: { system: "jira", id: "IT-7" },
      steps: [],
    });
  });

  it("lets an admin client grant admin rights and shorten the retention", async () => {
    const admin = { name: "it-admin", scopes: ["onboard", "offboard", "admin"] };
    const granted = await call({
      method: "POST",
      path: "/v1/onboard",
      body: { ...onboardBody, email: "boss@example.com", admin_type: "company" },
      client: admin,
    });
    expect(granted.status).toBe(202);
    const shortened = await call({
      method: "POST",
      path: "/v1/offboard",
      body: { email: "leaver@example.com", retention_days: 0 },
      client: admin,
    });
    expect(shortened.status).toBe(202);
  });

  it("lets an offboard client ask for the default retention or a longer one", async () => {
    const offboarder = { name: "jira", scopes: ["offboard"] };
    for (const [email, retention_days] of [
      ["default@example.com", 30],
      ["longer@example.com", 90],
    ] as const) {
      const response = await call({
        method: "POST",
        path: "/v1/offboard",
        body: { email, retention_days },
        client: offboarder,
      });
      expect(response.status).toBe(202);
    }
  });

  it("answers 409 when an idempotency key comes back with another body", async () => {
    const headers = { "idempotency-key": "offboard-42" };
    const first = await call({
      method: "POST",
      path: "/v1/offboard",
      body: { email: "x@example.com" },
      headers,
      client: everyScope,
    });
    expect(first.status).toBe(202);
    const conflict = await call({
      method: "POST",
      path: "/v1/offboard",
      body: { email: "y@example.com" },
      headers,
      client: everyScope,
    });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: "idempotency_conflict" } } });
  });
});
