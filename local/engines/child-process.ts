/**
 * Starts an engine as a child process and waits until it answers on its port.
 * Owns the "nothing left running" rule: every child is killed when the parent exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";

export interface RunningEngine {
  /** Base URL of the engine, e.g. http://127.0.0.1:8000 */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

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
  /**
   * Start the engine in its own process group. A terminal's Ctrl-C signals its whole foreground
   * group: an engine in that group dies at once, under the parent's pollers that still use it.
   */
  ownProcessGroup?: boolean;
  /** Resolves true once the engine serves requests. */
  isReady: (endpoint: string) => Promise<boolean>;
  timeoutMs?: number;
}

export async function spawnEngine(options: SpawnEngineOptions): Promise<RunningEngine> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  children.add(child);
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
  child.once("exit", () => children.delete(child));
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
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(timer);
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
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
