/**
 * Benchmark 3, memory: the bench process's peak resident set size (the OS's high-water mark, so a
 * short spike between samples is not missed), read after each section so the report says which
 * part of the run set it. The API function, the workers and the Dialpad clients run in this
 * process; the Dialpad sandbox runs in a child process whose own peak is noted apart; DynamoDB
 * Local and the SQS server are child processes and not counted.
 */
import { mib } from "./support/report-format";

export interface MemoryMark {
  after: string;
  peakRssBytes: number;
  heapUsedBytes: number;
}

export function memoryMark(after: string): MemoryMark {
  // maxRSS is in kibibytes on every platform Node supports.
  return {
    after,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

/** The highest peak RSS reported per kind of child process (one sandbox process per run). */
const childPeaks = new Map<string, number>();

export function noteChildPeakRss(name: string, bytes: number): void {
  if (Number.isFinite(bytes)) childPeaks.set(name, Math.max(bytes, childPeaks.get(name) ?? 0));
}

export function formatMemory(marks: readonly MemoryMark[]): string {
  const own = marks.map(
    (mark) =>
      `  peak RSS after ${mark.after}: ${mib(mark.peakRssBytes)} (heap in use ${mib(mark.heapUsedBytes)})`,
  );
  const children = [...childPeaks].map(
    ([name, bytes]) => `  peak RSS of the ${name} (highest of its runs): ${mib(bytes)}`,
  );
  return [...own, ...children].join("\n");
}
