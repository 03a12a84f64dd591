/**
 * On DynamoDB Local: request keys outlive the longest retention and answer "already handled" once
 * their job has expired; finished jobs carry their audit-period TTL; the reconciliation marker lets
 * one run at a time and is taken over once it expires.
 */

import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestAlreadyHandled } from "../../shared/errors/domain-errors";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import type { Job } from "../../shared/lifecycle/model";
import { MAX_RETENTION_DAYS } from "../../shared/lifecycle/requests";
import type { DriftReport } from "../../shared/reconcile/drift-report";
import { startReconciliation } from "../../shared/reconcile/run-reconciliation";
import { DynamoJobStore } from "../../shared/store/job-store";
import { DynamoReconcileReportStore } from "../../shared/store/reconcile-report-store";
import { createTestTable, localDocumentClient } from "../support/aws";

const DAY_SECONDS = 24 * 3600;
const doc = localDocumentClient();
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

const item = async (pk: string, sk: string) =>
  (await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }))).Item;

const job = (jobId: string, createdAt: string): Job => ({
  job_id: jobId,
  kind: "offboard",
  status: "queued",
  email: `${jobId}@example.com`,
  request: { email: `${jobId}@example.com` },
  steps: [],
  client: "ticketing",
  authority: { admin: false },
  created_at: createdAt,
  updated_at: createdAt,
  progress: {},
});

describe("what the job store keeps, and for how long", () => {
  it("keeps a request key longer than the longest retention, and a finished job for the audit period", async () => {
    const jobs = new DynamoJobStore(doc, table.tableName, JOB_KINDS, 7);
    const createdAt = "2026-01-01T00:00:00.000Z";
    const key = { key: "offboard#ticketing#ticket#jira#HR-1", bodyHash: "h1" };
    await jobs.create(job("j-audit", createdAt), key);
    const requestKey = await item(`REQ#${key.key}`, "REQ");
    expect(requestKey?.expires_at).toBeGreaterThanOrEqual(
      Date.parse(createdAt) / 1000 + MAX_RETENTION_DAYS * DAY_SECONDS,
    );
    expect((await item("JOB#j-audit", "JOB"))?.expires_at).toBeUndefined();

    await jobs.startRun("j-audit", {
      runId: "run-1",
      at: createdAt,
      nowMs: Date.parse(createdAt),
      ttlMs: 60_000,
    });
    const finishedAt = "2026-01-02T00:00:00.000Z";
    await jobs.finish("j-audit", finishedAt, { status: "succeeded" }, "run-1");
    expect((await item("JOB#j-audit", "JOB"))?.expires_at).toBe(
      Date.parse(finishedAt) / 1000 + 7 * DAY_SECONDS,
    );

    await jobs.create(job("j-cancel", createdAt), { key: "k-cancel", bodyHash: "h" });
    await jobs.cancelIfQueued("j-cancel", finishedAt, "superseded");
    expect((await item("JOB#j-cancel", "JOB"))?.expires_at).toBe(
      Date.parse(finishedAt) / 1000 + 7 * DAY_SECONDS,
    );
  });

  it("answers a replay whose job has expired with RequestAlreadyHandled, creating nothing", async () => {
    const jobs = new DynamoJobStore(doc, table.tableName, JOB_KINDS);
    const key = { key: "offboard#ticketing#ticket#jira#HR-2", bodyHash: "h2" };
    await jobs.create(job("j-old", "2020-01-01T00:00:00.000Z"), key);
    // What DynamoDB's TTL does once the audit period is over.
    await doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: "JOB#j-old", sk: "JOB" } }));
    await expect(jobs.create(job("j-replay", "2026-01-01T00:00:00.000Z"), key)).rejects.toBeInstanceOf(
      RequestAlreadyHandled,
    );
    expect(await jobs.get("j-replay")).toBeUndefined();
  });
});

describe("the reconciliation running marker", () => {
  const report = (id: string, startedAt: string): DriftReport => ({
    report_id: id,
    status: "running",
    trigger: "api",
    started_at: startedAt,
  });
  const HOUR_MS = 3600_000;

  it("lets one run at a time, frees on release, and is taken over once expired", async () => {
    const reports = new DynamoReconcileReportStore(doc, table.tableName);
    expect(await reports.createExclusive(report("r1", "2026-01-01T00:00:00.000Z"), HOUR_MS)).toEqual({
      created: true,
    });
    expect(await reports.createExclusive(report("r2", "2026-01-01T00:10:00.000Z"), HOUR_MS)).toEqual({
      runningReportId: "r1",
    });
    expect(await reports.get("r2")).toBeUndefined();

    await reports.releaseRunning("r2"); // not the holder: nothing changes
    expect(await reports.createExclusive(report("r3", "2026-01-01T00:20:00.000Z"), HOUR_MS)).toEqual({
      runningReportId: "r1",
    });
    await reports.releaseRunning("r1");
    expect(await reports.createExclusive(report("r4", "2026-01-01T00:30:00.000Z"), HOUR_MS)).toEqual({
      created: true,
    });
    // r4 never releases (a crashed run): after its hour a new run may start.
    expect(await reports.createExclusive(report("r5", "2026-01-01T01:31:00.000Z"), HOUR_MS)).toEqual({
      created: true,
    });
  });

  it("is freed for the next request when its run ended its report but died before releasing it", async () => {
    const reports = new DynamoReconcileReportStore(doc, table.tableName);
    const clock = { now: () => new Date("2026-02-01T00:00:00.000Z") };
    const queued: string[] = [];
    const deps = {
      reports,
      clock,
      queue: { enqueue: async (message: { report_id: string }) => void queued.push(message.report_id) },
    };
    const first = await startReconciliation("auditor", { ...deps, newReportId: () => "ended-1" });
    expect(first.started).toBe(true);
    await reports.finish("ended-1", "2026-02-01T00:00:01.000Z", {
      status: "failed",
      error: { message: "x" },
    });
    // No releaseRunning: the run crashed in between. The marker must not answer an ended report.
    const next = await startReconciliation("auditor", { ...deps, newReportId: () => "after-1" });
    expect(next).toMatchObject({ started: true, report: { report_id: "after-1", status: "running" } });
    expect(queued).toEqual(["ended-1", "after-1"]);
  });
});
