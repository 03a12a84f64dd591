/**
 * Benchmark 3, memory: the bench process's peak resident set size (the OS's high-water mark, so a
 * short spike between samples is not missed), read after each section so the report says which
 * part of the run set it. The sandbox, the API function and the workers all run in this process;
 * DynamoDB Local and the SQS server are child processes and not counted.
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

export function formatMemory(marks: readonly MemoryMark[]): string {
  return marks
    .map(
      (mark) =>
        `  peak RSS after ${mark.after}: ${mib(mark.peakRssBytes)} (heap in use ${mib(mark.heapUsedBytes)})`,
    )
    .join("\n");
}
