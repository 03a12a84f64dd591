/**
 * Small, dependency-free helpers for the benchmark report: percentiles, number formats, aligned
 * tables, and the PASS/MISS verdict of a target (printed, never hidden).
 */

/** Nearest-rank percentile of `values` (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a");
export const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Columns padded to their widest cell; the first row is the header, underlined. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  if (!header) return "";
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export interface TargetCheck {
  name: string;
  met: boolean;
  measured: string;
}

export const target = (name: string, met: boolean, measured: string): TargetCheck => ({
  name,
  met,
  measured,
});

export function formatTargets(checks: readonly TargetCheck[]): string {
  return checks
    .map((check) => `  [${check.met ? "MET " : "MISS"}] ${check.name}: ${check.measured}`)
    .join("\n");
}

export const heading = (title: string) => `\n== ${title} ${"=".repeat(Math.max(0, 76 - title.length))}`;
