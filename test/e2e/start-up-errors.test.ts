/**
 * Local mode refuses to start on a bad setting or a missing Java, with a message a person can act
 * on (naming the variable), exit code 1, and nothing left running.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { descendantsOf, spawnLocalMode } from "./support/local-instance";

async function failedStart(env: Record<string, string>, baseEnv?: NodeJS.ProcessEnv) {
  const child = spawnLocalMode(env, baseEnv);
  let output = "";
  let children: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    // Whatever it had started while still running (engines would show up here).
    if (child.pid) children = descendantsOf(child.pid).map((p) => p.command);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  return { code, output, children };
}

describe("start-up refusals", () => {
  it.concurrent.each([
    // The other variables' rules are checked in-process (local-runtime-parts.test.ts); a process each is slow.
    [{ SWEEP_INTERVAL_SECONDS: "soon" }, "SWEEP_INTERVAL_SECONDS"],
    [{ DIALPAD_BASE_URL: "http://127.0.0.1:9/api/v2" }, "DIALPAD_API_KEY"],
  ])("stops on %o naming %s", async (env, variable) => {
    const { code, output } = await failedStart(env);
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`error: .*${variable}`, "s"));
    expect(output).not.toContain("ready");
    expect(output).not.toContain("starting DynamoDB Local");
  });

  it("says Java is needed when there is none, and starts nothing", async () => {
    const noJava = mkdtempSync(join(tmpdir(), "no-java-"));
    const { code, output, children } = await failedStart({}, { ...process.env, PATH: noJava, JAVA_HOME: "" });
    expect(code).toBe(1);
    expect(output).toContain("Java is required to run DynamoDB Local");
    expect(children.join("\n")).not.toContain("fauxqs");
  });
});
