/**
 * No engine outlives the process that started it, however that process died (each runs under a
 * supervisor tied to it by a pipe: local/engines/engine-supervisor.mjs), and local mode stops on
 * start only the engines a finished run left behind (local/engines/leftover-engines.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stopLeftoverEngines } from "../../local/engines/leftover-engines";
import { processEntry } from "../../local/engines/process-table";
import { eventually, processesBelow, stillRunning, stillRunningAfter } from "../e2e/support/local-instance";
import { startFakeEngine } from "../support/fake-engine";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const started: ChildProcess[] = [];
/** Engines this file started, to stop whatever a failed assertion left running. */
const engines: { pid: number; commandLine: string }[] = [];

afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
  for (const { pid } of stillRunning(engines.splice(0))) process.kill(pid, "SIGKILL");
});

it("stops the global setup's engine pair and the bench's sandbox process when their parent is killed hard", async () => {
  const parent = spawn(
    process.execPath,
    ["--import", "tsx", "test/engines/support/engines-until-killed.ts"],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  started.push(parent);
  let output = "";
  parent.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  parent.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await eventually("the engines to run", () => (output.includes("ready") ? true : undefined), 150_000);
  const run = processesBelow(parent.pid as number);
  engines.push(...run);
  const commands = run.map((process) => process.commandLine).join("\n");
  expect(commands).toContain("DynamoDBLocal.jar");
  expect(commands).toContain("fauxqs");
  expect(commands).toContain("sandbox-process.ts");

  parent.kill("SIGKILL");
  const left = await stillRunningAfter(run, 10_000);
  expect(left).toEqual([]);
});

it("stops its engine when the supervisor itself is told to stop", async () => {
  const { record } = await startFakeEngine(mkdtempSync(join(tmpdir(), "engine-records-")));
  engines.push(record.engine);
  process.kill(record.supervisor, "SIGTERM");
  await eventually(
    "the engine to be gone",
    () => (processEntry(record.engine.pid) ? undefined : true),
    10_000,
  );
});

describe("stopLeftoverEngines", () => {
  it("stops an engine whose supervisor was killed outright, and forgets its record", async () => {
    const recordsDir = mkdtempSync(join(tmpdir(), "engine-records-"));
    const { record } = await startFakeEngine(recordsDir);
    engines.push(record.engine);
    process.kill(record.supervisor, "SIGKILL");
    await eventually("the supervisor to be gone", () => (processEntry(record.supervisor) ? undefined : true));

    expect(stopLeftoverEngines(recordsDir)).toEqual([{ name: "fake engine", pid: record.engine.pid }]);
    await eventually("the engine to be gone", () => (processEntry(record.engine.pid) ? undefined : true));
    expect(existsSync(join(recordsDir, `${record.supervisor}.json`))).toBe(false);
  });

  it("leaves the engines of a run that is still going alone", async () => {
    const recordsDir = mkdtempSync(join(tmpdir(), "engine-records-"));
    const { engine, record } = await startFakeEngine(recordsDir);
    engines.push(record.engine);

    expect(stopLeftoverEngines(recordsDir)).toEqual([]);
    expect((await fetch(engine.endpoint)).ok).toBe(true);
    expect(existsSync(join(recordsDir, `${record.supervisor}.json`))).toBe(true);
    await engine.stop();
  });

  // A pid the OS gave to someone else after the run that recorded it died: its own process group.
  it.each([
    ["runs another command", (_: string[]) => ["sleep", "60"]],
    ["runs the same command in another process group", (engineCommand: string[]) => engineCommand],
  ])("never kills a process that took a leftover's pid and %s", async (_, strangerCommand) => {
    const recordsDir = mkdtempSync(join(tmpdir(), "engine-records-"));
    const finished = await startFakeEngine(recordsDir);
    await finished.engine.stop();
    const [command, ...args] = strangerCommand(finished.commandLine) as [string, ...string[]];
    const stranger = spawn(command, args, { detached: true, stdio: "ignore" });
    started.push(stranger);
    const strangerPid = stranger.pid as number;
    const goneSupervisor = finished.record.supervisor;
    const claim = {
      name: "fake engine",
      owner: goneSupervisor,
      // Another command: claimed with its own group, so only the command line tells it apart.
      supervisor: command === "sleep" ? strangerPid : goneSupervisor,
      engine: { pid: strangerPid, commandLine: finished.record.engine.commandLine },
    };
    writeFileSync(join(recordsDir, "4242.json"), JSON.stringify(claim));

    expect(stopLeftoverEngines(recordsDir)).toEqual([]);
    expect(processEntry(strangerPid)).toBeDefined();
    expect(existsSync(join(recordsDir, "4242.json"))).toBe(false);
  });
});
