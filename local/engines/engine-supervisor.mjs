/**
 * Runs one engine and stops it when the process that started it is gone, however that process died.
 * Usage: node engine-supervisor.mjs <records dir> <engine name> <command> [args...]
 *
 * Plain JavaScript, run by the parent's own `node` with no loader: it starts in a few tens of ms.
 * Its stdin is a pipe from the parent that the parent never writes to. The kernel closes the
 * parent's end when the parent exits, SIGKILL and the OOM killer included, so end-of-file here is
 * a signal that needs nothing from the parent: the engine then gets SIGTERM, SIGKILL after a grace,
 * and this process exits with it. The parent stops an engine the same way: it closes the pipe.
 *
 * While the engine runs, `<records dir>/<this pid>.json` says what runs and for whom; it is removed
 * once the engine is gone. A record outlives its engine only when this process was killed outright,
 * and then local mode's next start stops the engine (leftover-engines.ts reads the records).
 */
import { spawn } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** As long as an engine gets to stop on SIGTERM before SIGKILL. */
const GRACE_MS = 3000;

const [recordsDir, name, command, ...args] = process.argv.slice(2);
if (!recordsDir || !name || !command) {
  console.error("usage: engine-supervisor.mjs <records dir> <engine name> <command> [args...]");
  process.exit(2);
}
const record = join(recordsDir, `${process.pid}.json`);

// Same process group as this supervisor (the parent started it in a group of its own).
const engine = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;

engine.once("spawn", () => {
  const content = {
    name,
    owner: process.ppid,
    supervisor: process.pid,
    engine: { pid: engine.pid, commandLine: [command, ...args].join(" ") },
  };
  try {
    // Written whole, then renamed: a reader never sees half a record.
    writeFileSync(`${record}.tmp`, JSON.stringify(content));
    renameSync(`${record}.tmp`, record);
  } catch (error) {
    console.error(`engine supervisor: could not record ${name} in ${recordsDir}: ${error.message}`);
  }
});
engine.once("error", (error) => {
  console.error(`${name}: ${error.message}`);
  process.exit(127);
});
engine.once("exit", (code) => {
  rmSync(record, { force: true });
  process.exit(stopping ? 0 : (code ?? 1));
});

function stopEngine() {
  if (stopping) return;
  stopping = true;
  engine.kill("SIGTERM");
  setTimeout(() => engine.kill("SIGKILL"), GRACE_MS);
}
process.stdin.on("end", stopEngine);
process.stdin.on("error", stopEngine);
process.stdin.resume();
// Signalled directly (`kill <pid>`): stop the engine rather than leave it behind.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, stopEngine);
