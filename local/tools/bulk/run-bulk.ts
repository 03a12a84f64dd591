/**
 * One bulk run, primary course: read and check every row with the service's own schemas → (dry run)
 * forecast seats per office and licence line from `GET /v1/offices`, report, exit → (run) submit
 * each valid row with an idempotency key derived from the file and the row → wait for every job
 * (polling `GET /v1/jobs/{id}` with back-off) → print a summary → write `FILE.results.csv`.
 *
 * The idempotency key is the file's identity (its real path) plus the row number, so running the
 * same file again answers the jobs already made instead of creating new ones, and a run that was
 * interrupted resumes. A row edited after it was submitted is refused by the service (409).
 */
import { createHash } from "node:crypto";
import { realpath, writeFile } from "node:fs/promises";
import { stringify } from "csv-stringify/sync";
import type { LifecycleApi, OfficeListing } from "./lifecycle-api";
import { Progress, type ProgressOutput } from "./progress";
import { type BulkKind, type CheckedRow, checkRow, describeProblem, readRows } from "./rows";
import { describeShortfall, forecastSeats, type SeatDemand } from "./seat-forecast";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export interface BulkRunOptions {
  kind: BulkKind;
  file: string;
  dryRun: boolean;
  api: LifecycleApi;
  /** Reports and tables (stdout). */
  out: (line: string) => void;
  /** Progress (stderr): a bar on a terminal, lines otherwise. */
  progressOutput: ProgressOutput;
  /** Polling back-off of the wait for jobs. */
  poll?: { firstMs: number; maxMs: number; timeoutMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export interface RowResult {
  row: number;
  email: string;
  job_id: string;
  status: string;
  error_code: string;
}

/** Answers the exit code: 0 every row done (or, dry run, would be), 1 otherwise. */
export async function runBulk(options: BulkRunOptions): Promise<number> {
  const { kind, out } = options;
  const rows = await readRows(options.file);
  if (rows.length === 0) {
    out(`${options.file} has no rows under its header: nothing to do.`);
    return 1;
  }
  const checked = rows.map((row) => checkRow(kind, row));
  const problems = checked.flatMap((row) => (row.ok ? [] : row.problems));

  if (options.dryRun) return dryRun(options, checked, problems.map(describeProblem));

  for (const problem of problems) out(`skipped: ${describeProblem(problem)}`);
  const results = await submitRows(options, checked);
  await waitForJobs(options, results);
  printSummary(out, results);
  const resultsFile = resultsPath(options.file);
  await writeFile(
    resultsFile,
    // An invalid row's cells are copied as read: a leading = + - @ must open as text, not a formula.
    stringify(results, {
      header: true,
      columns: ["row", "email", "job_id", "status", "error_code"],
      escape_formulas: true,
    }),
  );
  out(`Results: ${resultsFile}`);
  return results.every((result) => result.status === "succeeded") ? 0 : 1;
}

async function dryRun(options: BulkRunOptions, checked: CheckedRow[], problems: string[]): Promise<number> {
  const { out } = options;
  const demands = checked.flatMap((row): SeatDemand[] => (row.ok ? seatDemandOf(options.kind, row) : []));
  const listing = demands.length > 0 ? await freshOffices(options) : undefined;
  const forecast = listing ? forecastSeats(demands, listing.offices) : { lines: [], problems: [] };
  const all = [...problems, ...forecast.problems.map(describeProblem)];
  const valid = checked.filter((row) => row.ok).length;
  out(
    `Dry run of ${options.kind} ${options.file}: ${checked.length} rows, ${valid} valid. Nothing was submitted.`,
  );
  for (const problem of all) out(`  invalid: ${problem}`);
  if (forecast.lines.length > 0) {
    const asOf = listing?.asOf ? ` as of ${listing.asOf}` : "";
    const stale = listing?.refreshRequested ? "; the service is still reading fresher figures" : "";
    out(`Seat forecast${asOf}${stale} (office, licence line: needed / available):`);
    out(
      table(
        ["office", "office_id", "line", "needed", "available", "shortfall"],
        forecast.lines.map((line) => [
          line.office,
          line.office_id,
          line.seat_line,
          line.needed,
          line.available,
          line.shortfall,
        ]),
      ),
    );
  }
  const short = forecast.lines.filter((line) => line.shortfall > 0);
  for (const line of short) out(`  not enough seats: ${describeShortfall(line)}`);
  const ok = all.length === 0 && short.length === 0;
  out(ok ? "Every row would be accepted, with seats for all." : "This file would not go through as it is.");
  return ok ? 0 : 1;
}

const sleepOf = (options: BulkRunOptions) =>
  options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

/** Times the dry run asks again, 2 s apart, while the service refreshes stale office figures. */
const OFFICE_REFRESH_WAITS = 10;

/** The office listing, waiting a little for the service's refresh when its figures were stale. */
async function freshOffices(options: BulkRunOptions): Promise<OfficeListing> {
  const sleep = sleepOf(options);
  let listing = await options.api.listOffices();
  for (let wait = 0; listing.refreshRequested && wait < OFFICE_REFRESH_WAITS; wait++) {
    await sleep(2000);
    listing = await options.api.listOffices();
  }
  return listing;
}

/** Onboardings take a seat in their office; an update takes one when it moves someone to an office. */
function seatDemandOf(kind: BulkKind, row: CheckedRow & { ok: true }): SeatDemand[] {
  const request = row.request as {
    office_id?: string;
    office_name?: string;
    license?: SeatDemand["license"];
  };
  if (kind === "offboard" || (request.office_id === undefined && request.office_name === undefined))
    return [];
  return [
    {
      row: row.row.row,
      line: row.row.line,
      ...(request.office_id !== undefined
        ? { office_id: request.office_id }
        : { office_name: request.office_name }),
      ...(request.license ? { license: request.license } : {}),
    },
  ];
}

async function submitRows(options: BulkRunOptions, checked: CheckedRow[]): Promise<RowResult[]> {
  const fileIdentity = createHash("sha256")
    .update(await realpath(options.file))
    .digest("hex")
    .slice(0, 24);
  const progress = new Progress(options.progressOutput, "submitting", checked.length);
  const results: RowResult[] = [];
  for (const row of checked) {
    const email = String(row.body.email ?? row.body.user_id ?? "");
    const result: RowResult = { row: row.row.row, email, job_id: "", status: "", error_code: "" };
    if (!row.ok) {
      Object.assign(result, { status: "invalid", error_code: "validation_failed" });
    } else {
      const key = `bulk-${options.kind}-${fileIdentity}-row-${row.row.row}`;
      try {
        const answer = await options.api.submit(options.kind, row.body, key);
        if (answer.status === 202 || answer.status === 200)
          Object.assign(result, { job_id: answer.body.job_id, status: answer.body.status });
        else
          Object.assign(result, {
            status: "refused",
            error_code: answer.body?.error?.code ?? `http_${answer.status}`,
          });
      } catch (error) {
        Object.assign(result, { status: "not_sent", error_code: "unreachable" });
        options.out(`row ${row.row.row}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    results.push(result);
    progress.update(
      results.length,
      `row ${result.row} ${email}: ${result.status}${result.job_id ? ` (job ${result.job_id})` : ""}`,
    );
  }
  progress.finish();
  return results;
}

async function waitForJobs(options: BulkRunOptions, results: RowResult[]): Promise<void> {
  const poll = options.poll ?? { firstMs: 500, maxMs: 5000, timeoutMs: 30 * 60_000 };
  const sleep = sleepOf(options);
  const withJobs = results.filter((result) => result.job_id);
  const pending = () => withJobs.filter((result) => !TERMINAL.has(result.status));
  const progress = new Progress(options.progressOutput, "waiting", withJobs.length);
  const done = () => withJobs.length - pending().length;
  progress.update(done());
  const deadline = Date.now() + poll.timeoutMs;
  let delay = poll.firstMs;
  while (pending().length > 0 && Date.now() < deadline) {
    await sleep(delay);
    delay = Math.min(poll.maxMs, Math.round(delay * 1.5));
    for (const result of pending()) {
      const answer = await options.api.getJob(result.job_id);
      if (answer.status !== 200) continue;
      result.status = answer.body.status;
      result.error_code = answer.body.error?.code ?? "";
      if (TERMINAL.has(result.status))
        progress.update(done(), `row ${result.row} ${result.email}: ${result.status}`);
    }
  }
  progress.finish();
  for (const result of pending()) result.error_code ||= "still_running";
}

function printSummary(out: (line: string) => void, results: RowResult[]): void {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
  out(
    table(
      ["status", "rows"],
      [...counts.entries()].sort().map(([status, count]) => [status, count]),
    ),
  );
  const unfinished = results.filter((result) => result.status !== "succeeded");
  if (unfinished.length > 0)
    out(
      table(
        ["row", "email", "job_id", "status", "error_code"],
        unfinished.map((r) => [r.row, r.email, r.job_id, r.status, r.error_code]),
      ),
    );
}

function resultsPath(file: string): string {
  return `${file.replace(/\.csv$/i, "")}.results.csv`;
}

/** A plain text table with padded columns. */
function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(cells[0] ?? []),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}
