/**
 * A stand-in engine for the tests of the engines' own plumbing: a tiny HTTP server run under the
 * real supervisor (spawnEngine), which starts in a fraction of a second where DynamoDB Local takes
 * several. Answers the engine and the record its supervisor keeps of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ENGINE_RECORDS_DIR,
  freePort,
  type RunningEngine,
  spawnEngine,
} from "../../local/engines/child-process";

const SERVE = "require('node:http').createServer((_, res) => res.end('ok')).listen(Number(process.argv[1]))";

export interface SupervisorRecord {
  supervisor: number;
  engine: { pid: number; commandLine: string };
}

export interface FakeEngine {
  engine: RunningEngine;
  record: SupervisorRecord;
  /** The command and arguments it runs, to start a look-alike that is not ours. */
  commandLine: [string, ...string[]];
}

export async function startFakeEngine(recordsDir = ENGINE_RECORDS_DIR): Promise<FakeEngine> {
  const port = await freePort();
  const commandLine: [string, ...string[]] = [process.execPath, "-e", SERVE, String(port)];
  const engine = await spawnEngine({
    name: "fake engine",
    command: commandLine[0],
    args: commandLine.slice(1),
    port,
    recordsDir,
    isReady: async (endpoint) => (await fetch(endpoint)).ok,
  });
  // Written when the engine was spawned, before it could answer.
  const record = readdirSync(recordsDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => readRecord(join(recordsDir, file)))
    .find((candidate) => candidate?.engine.commandLine === commandLine.join(" "));
  if (!record) throw new Error(`no record of the fake engine on port ${port} in ${recordsDir}`);
  return { engine, record, commandLine };
}

/** Undefined when another run's supervisor removed it meanwhile. */
function readRecord(path: string): SupervisorRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SupervisorRecord;
  } catch {
    return undefined;
  }
}
