/**
 * Stops local mode when whoever started it is gone. `npm start` runs `sh -c "tsx local/start.ts"`,
 * and tsx runs this file in a child node process: a SIGTERM sent to npm kills `sh` but never reaches
 * us, which would leave the service and its Java and SQS engines running with nobody to stop them.
 * So we watch our parent and grandparent: when either goes away (we or our parent get re-parented),
 * we shut down as if signalled. Re-parenting is watched rather than liveness, because a killed
 * process can linger as a zombie where PID 1 does not reap.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface OrphanWatch {
  stop(): void;
}

/** The parent pid of `pid`, or undefined when it cannot be read (gone, or no /proc and no ps). */
export function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    try {
      const ppid = Number(
        execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim(),
      );
      return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
}

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
