/**
 * Engines an earlier run of this checkout left behind. Each engine's supervisor records it in
 * ENGINE_RECORDS_DIR while it runs and removes the record once it is gone (engine-supervisor.mjs);
 * a record outlives its supervisor only when the supervisor itself was killed outright. Local mode
 * stops such engines on start. It kills only what is provably ours: a pid can have been reused by
 * any process since, so the process must still have the recorded command line and still sit in its
 * supervisor's process group; and an engine whose run is still going (another `npm start`, a test
 * run) is left alone.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { ENGINE_RECORDS_DIR } from "./child-process";
import { processEntry } from "./process-table";

const engineRecord = z.object({
  name: z.string(),
  /** The process that started the supervisor: its run. */
  owner: z.number().int(),
  supervisor: z.number().int(),
  engine: z.object({ pid: z.number().int(), commandLine: z.string() }),
});
type EngineRecord = z.infer<typeof engineRecord>;

export interface LeftoverEngine {
  name: string;
  pid: number;
}

/** Stops every engine a finished run left behind, removes their records, and answers what it stopped. */
export function stopLeftoverEngines(recordsDir = ENGINE_RECORDS_DIR): LeftoverEngine[] {
  let files: string[];
  try {
    files = readdirSync(recordsDir).filter((file) => file.endsWith(".json"));
  } catch {
    return []; // no records yet
  }
  const stopped: LeftoverEngine[] = [];
  for (const file of files) {
    const path = join(recordsDir, file);
    const record = readRecord(path);
    if (record && runIsGoing(record)) continue;
    if (record && isRecordedEngine(record)) {
      try {
        process.kill(record.engine.pid, "SIGKILL"); // an in-memory engine: nothing to save
        stopped.push({ name: record.name, pid: record.engine.pid });
      } catch {
        // gone meanwhile
      }
    }
    rmSync(path, { force: true });
  }
  return stopped;
}

/** One line for local mode's output. */
export function describeLeftovers(stopped: readonly LeftoverEngine[]): string {
  const what = stopped.map((engine) => `${engine.name} (pid ${engine.pid})`).join(", ");
  const count = stopped.length === 1 ? "1 engine" : `${stopped.length} engines`;
  return `stopped ${count} an earlier run of this checkout left behind: ${what}`;
}

function readRecord(path: string): EngineRecord | undefined {
  try {
    return engineRecord.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return undefined;
  }
}

/** Its supervisor is alive and still the child of the process that started it. */
const runIsGoing = (record: EngineRecord) => processEntry(record.supervisor)?.ppid === record.owner;

function isRecordedEngine(record: EngineRecord): boolean {
  const running = processEntry(record.engine.pid);
  return running?.commandLine === record.engine.commandLine && running.pgid === record.supervisor;
}
