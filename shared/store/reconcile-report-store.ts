/**
 * DynamoDB adapter of the reconciliation report store: one RECON#<report_id> item per report, kept
 * 90 days (TTL). The findings' lists are capped (drift-report.ts) so the item stays far below
 * DynamoDB's 400 KB.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DriftReport, ReconcileReportStore } from "../reconcile/drift-report";
import { isConditionFailed } from "./conditional";

const REPORT_TTL_SECONDS = 90 * 24 * 3600;
const reportKey = (reportId: string) => ({ pk: `RECON#${reportId}`, sk: "REPORT" });

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
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
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
