/**
 * The sandbox run on its own as docs/local-mode.md shows it (`npx tsx local/sandbox/run-sandbox.ts`)
 * leaves nothing running when npx alone gets SIGTERM: npx's shell does not pass it on, so the
 * sandbox leaves with its parent.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { eventually, processesBelow, stillRunning, stillRunningAfter } from "./support/local-instance";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
let run: { pid: number; commandLine: string }[] = [];

afterAll(() => {
  for (const { pid } of stillRunning(run)) process.kill(pid, "SIGKILL");
});

it("stops within 5 s when npx alone gets SIGTERM", async () => {
  const npx = spawn("npx", ["tsx", "local/sandbox/run-sandbox.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, SANDBOX_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  npx.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await eventually(
    "the sandbox to be ready",
    () => (output.includes("sandbox ready at") ? true : undefined),
    60_000,
  );
  run = processesBelow(npx.pid as number);
  expect(run.map((process) => process.commandLine).join("\n")).toContain("run-sandbox.ts");

  npx.kill("SIGTERM");
  expect(await stillRunningAfter(run, 5000)).toEqual([]);
});
