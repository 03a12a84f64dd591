/**
 * However local mode dies, its engines die with it: `npm start` in a process group of its own, as a
 * terminal runs it, killed as an editor closing its terminal or a cancelled CI job kills it (SIGKILL
 * to the whole group). And a run killed even harder, supervisors included, leaves engines that the
 * next start stops, saying so. A test process killed hard takes the local mode it started along. (Ctrl-C is in local-mode.test.ts, SIGTERM to npm alone in
 * external-dialpad.test.ts: both through `npm start` too.)
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { processEntry } from "../../local/engines/process-table";
import { type FakeEngine, startFakeEngine } from "../support/fake-engine";
import {
  eventually,
  type LocalInstance,
  processesBelow,
  startLocalInstance,
  stillRunningAfter,
} from "./support/local-instance";

let leftover: FakeEngine;
let local: LocalInstance;

beforeAll(async () => {
  // What a run leaves when its supervisors are killed too: an engine nobody stops.
  leftover = await startFakeEngine();
  process.kill(leftover.record.supervisor, "SIGKILL");
  local = await startLocalInstance({ PORT: "0", LOCAL_API_TOKEN: `e2e-${randomUUID()}` }, { via: "npm" });
}, 120_000);

afterAll(async () => {
  if (processEntry(leftover.record.engine.pid)?.commandLine === leftover.record.engine.commandLine) {
    process.kill(leftover.record.engine.pid, "SIGKILL");
  }
  await local?.stop("SIGKILL");
});

it("stops on start the engines an earlier run left behind, saying so in one line", () => {
  const { pid } = leftover.record.engine;
  expect(local.output()).toMatch(
    new RegExp(
      `\\[local\\] stopped \\d+ engines? an earlier run of this checkout left behind: .*fake engine \\(pid ${pid}\\)`,
    ),
  );
  expect(processEntry(pid)).toBeUndefined();
});

it("leaves no engine running within 5 s of a SIGKILL to its whole process group", async () => {
  const run = processesBelow(local.child.pid as number);
  const commands = run.map((process) => process.commandLine).join("\n");
  expect(commands).toContain("DynamoDBLocal.jar");
  expect(commands).toContain("fauxqs");

  process.kill(-(local.child.pid as number), "SIGKILL");
  const left = await stillRunningAfter(run, 5000);
  expect(left).toEqual([]);
});

it("kills the process group of a local mode it started when the test process is killed hard", async () => {
  const testProcess = spawn(process.execPath, ["--import", "tsx", "test/e2e/support/group-until-killed.ts"], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  testProcess.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const pid = Number(await eventually("the group to run", () => /ready (\d+)/.exec(output)?.[1], 60_000));
  const group = [{ pid, commandLine: processEntry(pid)?.commandLine ?? "" }];
  expect(group[0]?.commandLine).toBe("sleep 600");

  testProcess.kill("SIGKILL");
  expect(await stillRunningAfter(group, 5000)).toEqual([]);
});
