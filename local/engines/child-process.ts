/**
 * Starts an engine as a child process and waits until it answers on its port.
 * Owns the "nothing left running" rule: every engine runs under a supervisor
 * (engine-supervisor.mjs) that stops it when this process is gone, however this process died.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export interface RunningEngine {
  /** Base URL of the engine, e.g. http://127.0.0.1:8000 */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const SUPERVISOR = join(import.meta.dirname, "engine-supervisor.mjs");
/** Where the supervisors record the engines they run (leftover-engines.ts reads them). */
export const ENGINE_RECORDS_DIR = join(resolve(import.meta.dirname, "../.."), ".cache", "engines");

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not allocate a free port"));
      });
    });
  });
}

export interface SpawnEngineOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  port: number;
  /** Appends everything the engine prints to this file too. */
  logFile?: string;
  /** Where its supervisor records it while it runs; default ENGINE_RECORDS_DIR. */
  recordsDir?: string;
  /** Resolves true once the engine serves requests. */
  isReady: (endpoint: string) => Promise<boolean>;
  timeoutMs?: number;
}

export async function spawnEngine(options: SpawnEngineOptions): Promise<RunningEngine> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const recordsDir = options.recordsDir ?? ENGINE_RECORDS_DIR;
  mkdirSync(recordsDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [SUPERVISOR, recordsDir, options.name, options.command, ...options.args],
    {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // stdin is the supervisor's lifeline: nothing is ever written to it, and its end stops the engine.
      stdio: ["pipe", "pipe", "pipe"],
      // A process group of its own, the engine's too: a terminal's Ctrl-C signals its whole foreground
      // group, and an engine in that group would die at once, under pollers that still use it.
      detached: true,
    },
  );
  // Closing the lifeline of a supervisor that is already gone is not an error.
  child.stdin?.on("error", () => undefined);
  const stopEngine = () => child.stdin?.end();
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("exit", () => log.end());
  }
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.once("error", (error) => {
    output += `\n${error.message}`;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done && Date.now() < deadline) {
    if (await options.isReady(endpoint).catch(() => false)) {
      return {
        endpoint,
        port: options.port,
        stop: async () => {
          stopEngine();
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stopEngine();
  throw new Error(`${options.name} did not start on port ${options.port}. Its last output:\n${output}`);
}

/**
 * Starts engines side by side; when any fails to start, stops the ones that did and throws the
 * failure, so no engine outlives a failed start.
 */
export async function startAllOrNone<T extends RunningEngine[]>(
  starts: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  // Settled, not all: when one engine fails, the others must still be known so they can be stopped.
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(
      results.map((result) => (result.status === "fulfilled" ? result.value.stop() : undefined)),
    );
    throw failed.reason;
  }
  return results.map((result) => (result as PromiseFulfilledResult<RunningEngine>).value) as T;
}
