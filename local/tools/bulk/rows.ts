/**
 * The bulk file: one row per person, columns named like the API's fields, turned into the request
 * body the API takes and checked with the very zod schemas the service validates with
 * (shared/lifecycle/requests.ts), so a dry run refuses exactly what the service would.
 *
 * Cells are text; a few columns are spelled for a spreadsheet: `call_center_ids` separated by `;`,
 * `ticket_system` / `ticket_id` / `ticket_url` for `ticket`, `number_handoff` as `keep`, `release`,
 * `user:EMAIL` or `department|call_center|office:ID`, booleans as true/false. An empty cell is an
 * absent field. An unknown column is an error, as an unknown field is for the API.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type * as z from "zod";
import { type ErrorDetail, ValidationError } from "../../../shared/http/api-error";
import { validate } from "../../../shared/http/validation-details";
import { offboardRequest, onboardRequest, updateRequest } from "../../../shared/lifecycle/requests";

export const BULK_KINDS = ["onboard", "offboard", "update"] as const;
export type BulkKind = (typeof BULK_KINDS)[number];

const SCHEMAS = { onboard: onboardRequest, offboard: offboardRequest, update: updateRequest } as const;
export type BulkRequest<K extends BulkKind> = z.output<(typeof SCHEMAS)[K]>;

const TICKET_COLUMNS = { ticket_system: "system", ticket_id: "id", ticket_url: "url" } as const;

export interface FileRow {
  /** 1 for the first row under the header. */
  row: number;
  /** The line it starts on in the file (the header is line 1). */
  line: number;
  cells: Record<string, string>;
}

export interface RowProblem {
  row: number;
  line: number;
  /** The column (or field) at fault; "" for the row as a whole. */
  field: string;
  message: string;
}

export type CheckedRow<K extends BulkKind = BulkKind> =
  | { ok: true; row: FileRow; body: Record<string, unknown>; request: BulkRequest<K> }
  | { ok: false; row: FileRow; body: Record<string, unknown>; problems: RowProblem[] };

export async function readRows(path: string): Promise<FileRow[]> {
  const bytes = await readFile(path);
  const records: { record: Record<string, string>; raw: string; info: { bytes: number } }[] = parse(bytes, {
    columns: (header: string[]) => header.map((name) => name.trim()),
    bom: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    raw: true,
  });
  return records.map(({ record, raw, info }, index) => ({
    row: index + 1,
    line: startLine(bytes, info.bytes - Buffer.byteLength(raw) + (raw.length - raw.trimStart().length)),
    cells: record,
  }));
}

/** The 1-based line of the byte at `offset` (a cell may span lines, so rows and lines differ). */
function startLine(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The API body a row stands for (not yet validated). */
export function rowBody(kind: BulkKind, cells: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const ticket: Record<string, string> = {};
  for (const [column, raw] of Object.entries(cells)) {
    const value = raw.trim();
    if (value === "") continue;
    if (column in TICKET_COLUMNS) ticket[TICKET_COLUMNS[column as keyof typeof TICKET_COLUMNS]] = value;
    else if (column === "call_center_ids")
      body.call_center_ids = value
        .split(";")
        .map((id) => id.trim())
        .filter(Boolean);
    else if (column === "rehire") body.rehire = booleanCell(value);
    else if (column === "retention_days") body.retention_days = /^\d+$/.test(value) ? Number(value) : value;
    else if (column === "number_handoff" && kind === "offboard") body.number_handoff = handoffCell(value);
    else body[column] = value;
  }
  if (Object.keys(ticket).length > 0) body.ticket = ticket;
  return body;
}

const booleanCell = (value: string): boolean | string =>
  /^(true|yes|1)$/i.test(value) ? true : /^(false|no|0)$/i.test(value) ? false : value;

function handoffCell(value: string): unknown {
  const [to = "", target] = value.split(":", 2).map((part) => part.trim());
  if (target === undefined) return { to };
  return to === "user" ? { to, email: target } : { to, id: target };
}

/** The column a schema path comes from: `ticket.id` → `ticket_id`, `call_center_ids[2]` → `call_center_ids`. */
function columnOf(path: string): string {
  const ticket = /^ticket\.(system|id|url)$/.exec(path);
  if (ticket) return `ticket_${ticket[1]}`;
  return path.replace(/\[\d+\].*$/, "").replace(/\..*$/, "");
}

export function checkRow<K extends BulkKind>(kind: K, row: FileRow): CheckedRow<K> {
  const body = rowBody(kind, row.cells);
  let details: ErrorDetail[];
  try {
    // The API's own validation: the same schema, the same messages.
    return { ok: true, row, body, request: validate(SCHEMAS[kind], body) as BulkRequest<K> };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    details = error.details ?? [];
  }
  const problems = details.map((detail) => ({
    row: row.row,
    line: row.line,
    field: detail.path === "" ? "" : columnOf(detail.path),
    message: detail.message,
  }));
  return { ok: false, row, body, problems };
}

export function describeProblem(problem: RowProblem): string {
  const where = `row ${problem.row} (line ${problem.line})`;
  return problem.field ? `${where}, ${problem.field}: ${problem.message}` : `${where}: ${problem.message}`;
}
