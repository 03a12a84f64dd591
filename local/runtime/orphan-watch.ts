/**
 * Stops local mode when whoever started it is gone. `npm start` runs `sh -c "tsx local/start.ts"`,
 * and tsx runs this file in a child node process: a SIGTERM sent to npm kills `sh` but never reaches
 * us, which would leave the service and its Java and SQS engines running with nobody to stop them.
 * So we watch our parent and grandparent: when either goes away (we or our parent get re-parented),
 * we shut down as if signalled.
 */
import { processEntry } from "../engines/process-table";

export interface OrphanWatch {
  stop(): void;
}

const parentOf = (pid: number) => processEntry(pid)?.ppid;

export function watchForOrphaning(onOrphaned: () => void, intervalMs = 500): OrphanWatch {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const timer = setInterval(() => {
    const orphaned =
      process.ppid !== parent || (grandparent !== undefined && parentOf(parent) !== grandparent);
    if (orphaned) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
