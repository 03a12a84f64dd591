/**
 * `POST /v1/reconcile` (202 `{report_id, status, links}`, the run happens in the worker) and
 * `GET /v1/reconcile/{report_id}` (the stored report, 404 unknown), served by the API function
 * through its `extraRoutes`.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { NotFoundError } from "../http/api-error";
import { json } from "../http/json-response";
import { reportView } from "./drift-report";
import type { ReconcileQueue } from "./reconcile-message";
import { type ReportDeps, startReconciliation } from "./run-reconciliation";

type Route = (event: APIGatewayProxyEvent, client: string) => Promise<APIGatewayProxyResult>;

export function reconcileRoutes(deps: ReportDeps & { queue: ReconcileQueue }): {
  startReconcile: Route;
  getReconcile: Route;
} {
  return {
    async startReconcile(_event, client) {
      const report = await startReconciliation(client, deps);
      const self = `/v1/reconcile/${report.report_id}`;
      return json(
        202,
        { report_id: report.report_id, status: report.status, links: { self } },
        { location: self },
      );
    },
    async getReconcile(event) {
      const reportId = decodeURIComponent(event.pathParameters?.report_id ?? "");
      const report = reportId ? await deps.reports.get(reportId) : undefined;
      if (!report) throw new NotFoundError("No reconciliation report has this id.", "report_not_found");
      return json(200, reportView(report));
    },
  };
}
