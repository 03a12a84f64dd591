/**
 * `POST /v1/reconcile` (scope `admin`: a full pass over every Dialpad user; 202, the worker runs
 * it; one at a time: while one runs, a new request answers 200 with the running report) and `GET /v1/reconcile/{report_id}` (scope `read`: the stored report).
 */
import * as z from "zod";
import { NotFound } from "../../../shared/errors/domain-errors";
import { reportView } from "../../../shared/reconcile/drift-report";
import { startReconciliation } from "../../../shared/reconcile/run-reconciliation";
import { defineRoute, reply } from "../route";
import { reportAcceptedSchema, reportSchema } from "../schemas";

export const startReconcile = defineRoute({
  name: "startReconcile",
  method: "POST",
  path: "/v1/reconcile",
  summary: "Start a drift reconciliation",
  tag: "reconcile",
  scope: "admin",
  fn: "api",
  request: {},
  responses: {
    200: {
      description: "A reconciliation already runs: this is its report; poll it.",
      schema: reportAcceptedSchema,
      headers: { location: "The report's URL path." },
    },
    202: {
      description: "Started; poll the report.",
      schema: reportAcceptedSchema,
      headers: { location: "The report's URL path." },
    },
  },
  handle: async ({ principal }, deps) => {
    const { report, started } = await startReconciliation(principal.client, {
      reports: deps.reports,
      queue: deps.reconcileQueue,
      clock: deps.clock,
    });
    const self = `/v1/reconcile/${report.report_id}`;
    return reply(
      started ? 202 : 200,
      { report_id: report.report_id, status: "running" as const, links: { self } },
      { location: self },
    );
  },
});

export const getReconcile = defineRoute({
  name: "getReconcile",
  method: "GET",
  path: "/v1/reconcile/{report_id}",
  summary: "Read a drift report",
  tag: "reconcile",
  scope: "read",
  fn: "api",
  request: { params: z.object({ report_id: z.string().min(1).max(200) }) },
  responses: { 200: { description: "The report.", schema: reportSchema } },
  errors: { 404: { description: "No report has this id.", codes: ["report_not_found"] } },
  handle: async ({ params }, deps) => {
    const report = await deps.reports.get(params.report_id);
    if (!report) throw new NotFound("report_not_found", "No reconciliation report has this id.");
    return reply(200, reportView(report));
  },
});
