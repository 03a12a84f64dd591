/**
 * DynamoDB adapter of the reconciliation report store: one RECON#<report_id> item per report, kept
 * 90 days (TTL). The findings' lists are capped (drift-report.ts) so the item stays far below
 * DynamoDB's 400 KB.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { DriftReport, ReconcileReportStore } from "../reconcile/drift-report";
import { CONDITIONS, cancellationReasons, isConditionFailed } from "./conditional";
import { OTHER_KEYS } from "./item-keys";

const REPORT_TTL_SECONDS = 90 * 24 * 3600;
const reportKey = OTHER_KEYS.reconcileReport;
/** The one "a reconciliation runs" marker: which report, until when (epoch ms). */
const RUNNING_KEY = OTHER_KEYS.reconcileRunning;

export class DynamoReconcileReportStore implements ReconcileReportStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(report: DriftReport): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...reportKey(report.report_id),
          ...report,
          expires_at: Math.floor(Date.parse(report.started_at) / 1000) + REPORT_TTL_SECONDS,
        },
        ConditionExpression: CONDITIONS.itemAbsent,
      }),
    );
  }

  async createExclusive(
    report: DriftReport,
    markerTtlMs: number,
    attempt = 0,
  ): Promise<{ created: true } | { runningReportId: string }> {
    const nowMs = Date.parse(report.started_at);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...RUNNING_KEY, report_id: report.report_id, until: nowMs + markerTtlMs },
                // Free, or held by a run that died without releasing it (the marker expired).
                ConditionExpression: CONDITIONS.either(CONDITIONS.itemAbsent, "#until < :now"),
                ExpressionAttributeNames: { "#until": "until" },
                ExpressionAttributeValues: { ":now": nowMs },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...reportKey(report.report_id),
                  ...report,
                  expires_at: Math.floor(nowMs / 1000) + REPORT_TTL_SECONDS,
                },
                ConditionExpression: CONDITIONS.itemAbsent,
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (cancellationReasons(error)?.[0] !== "ConditionalCheckFailed") throw error;
    }
    const marker = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: RUNNING_KEY, ConsistentRead: true }),
    );
    const runningReportId = marker.Item?.report_id;
    // Released between our write and this read: one more try takes the free marker.
    if (typeof runningReportId !== "string") {
      if (attempt > 0) throw new Error("The reconciliation marker kept changing; try again.");
      return this.createExclusive(report, markerTtlMs, attempt + 1);
    }
    return { runningReportId };
  }

  async releaseRunning(reportId: string): Promise<void> {
    try {
      await this.doc.send(
        // An update, not a delete: the roles that touch the marker need no DeleteItem.
        new UpdateCommand({
          TableName: this.tableName,
          Key: RUNNING_KEY,
          UpdateExpression: "SET #until = :free REMOVE report_id",
          ConditionExpression: "report_id = :id",
          ExpressionAttributeNames: { "#until": "until" },
          ExpressionAttributeValues: { ":id": reportId, ":free": 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // another run's marker now: leave it
    }
  }

  async get(reportId: string): Promise<DriftReport | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: reportKey(reportId), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, expires_at: _ttl, ...report } = result.Item;
    return report as DriftReport;
  }

  async finish(
    reportId: string,
    at: string,
    outcome: Parameters<ReconcileReportStore["finish"]>[2],
  ): Promise<boolean> {
    const [field, value] =
      outcome.status === "succeeded" ? ["findings", outcome.findings] : ["error", outcome.error];
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reportKey(reportId),
          UpdateExpression: "SET #status = :status, finished_at = :at, #detail = :detail",
          ConditionExpression: "#status = :running",
          ExpressionAttributeNames: { "#status": "status", "#detail": field },
          ExpressionAttributeValues: {
            ":status": outcome.status,
            ":at": at,
            ":detail": value,
            ":running": "running",
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
