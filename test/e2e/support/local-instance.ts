/**
 * Runs local mode as a user does (`tsx local/start.ts`, what `npm start` runs) in a child process
 * and talks to it only over HTTP. Knows how to read the start-up output (the ready line, the
 * sandbox line), how to find every process it started (for the "nothing left running" checks) and
 * how to stop it with a signal.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { resolve } from "node:path";
import { processEntry } from "../../../local/engines/process-table";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const TSX_CLI = resolve(REPO_ROOT, "node_modules/tsx/dist/cli.mjs");

/** Variables of the developer's shell that would change what local mode starts. */
const INHERITED_SETTINGS = [
  "PORT",
  "SANDBOX_PORT",
  "LOCAL_API_TOKEN",
  "DIALPAD_BASE_URL",
  "DIALPAD_API_KEY",
  "DIALPAD_WEBHOOK_SECRET",
  "DIALPAD_RATE_LIMIT_RPS",
  "RETENTION_DAYS",
  "NUMBER_PARKING_TARGET",
  "NUMBERS_ON_DELETE",
  "SANDBOX_NO_RESERVED_POOL",
  "SWEEP_INTERVAL_SECONDS",
  "RECONCILE_INTERVAL_SECONDS",
  "LOCAL_CALLBACK_KEY",
  "CALLBACK_RETRY_BASE_SECONDS",
  "LOCAL_CLIENTS_FILE",
];

export interface LocalInstance {
  readonly child: ChildProcess;
  /** Base URL of the HTTP front, from the ready line. */
  readonly url: string;
  /** Bearer token, from the ready line. */
  readonly token: string;
  /** The embedded sandbox's root URL, when one was started. */
  readonly sandboxUrl: string | undefined;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Request to the HTTP front; JSON bodies are sent and parsed (as `any`: the assertions check their shape). */
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked by the assertions
  request(method: string, path: string, options?: RequestOptions): Promise<{ status: number; body: any }>;
  /** Sends the signal, waits for exit; answers how it exited (code, or the signal it died of) and how long it took. */
  stop(signal?: NodeJS.Signals, deadlineMs?: number): Promise<Exit>;
  /** Ctrl-C at a terminal: SIGINT to every process of local mode's process group; then as `stop`. */
  interrupt(deadlineMs?: number): Promise<Exit>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

export interface RequestOptions {
  body?: unknown;
  /** Default: the instance's bearer token. `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

/**
 * Starts local mode with `env` on top of a clean environment, as `tsx local/start.ts` (default) or
 * through `npm start` itself; resolves once it is ready.
 */
export async function startLocalInstance(
  env: Record<string, string>,
  options: { via?: "tsx" | "npm"; timeoutMs?: number } = {},
): Promise<LocalInstance> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawnLocalMode(env, process.env, options.via);
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

  const ready = await new Promise<RegExpExecArray>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`local mode not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /ready in [\d.]+ s: (http:\/\/\S+) {2}\(bearer token: (\S+)\)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`local mode exited (${code}) before ready:\n${output}`));
    });
  }).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  const [, url = "", token = ""] = ready;
  const sandboxUrl = /its state: (http:\/\/\S+)\/__sandbox\/state/.exec(output)?.[1];

  return {
    child,
    url,
    token,
    sandboxUrl,
    output: () => output,
    async request(method, path, options = {}) {
      const authorization = options.token === undefined ? token : options.token;
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(authorization !== null ? { authorization: `Bearer ${authorization}` } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined
          ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
          : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: (signal = "SIGTERM", deadlineMs = 10_000) => stopWith(() => child.kill(signal), deadlineMs),
    interrupt: (deadlineMs = 10_000) =>
      stopWith(() => process.kill(-(child.pid as number), "SIGINT"), deadlineMs),
  };

  async function stopWith(send: () => void, deadlineMs: number) {
    const started = Date.now();
    if (child.exitCode !== null || child.signalCode !== null) {
      return { code: child.exitCode, signal: child.signalCode, ms: 0 };
    }
    send();
    const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    const code = await exited;
    clearTimeout(timer);
    return { code, signal: child.signalCode, ms: Date.now() - started };
  }
}

/** Spawns local mode without waiting for it (for start-up failures). */
export function spawnLocalMode(
  env: Record<string, string>,
  baseEnv: NodeJS.ProcessEnv = process.env,
  via: "tsx" | "npm" = "tsx",
): ChildProcess {
  const inherited = { ...baseEnv };
  for (const name of INHERITED_SETTINGS) delete inherited[name];
  const [command, args] =
    via === "npm" ? ["npm", ["start"]] : [process.execPath, [TSX_CLI, "local/start.ts"]];
  const child = spawn(command as string, args as string[], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as a shell gives a foreground job: `interrupt` signals that group.
    detached: true,
  });
  killGroupWhenWeDie(child);
  return child;
}

/** Kills the process group `-pid` (argv[1]) at end-of-file on stdin. */
const WATCHDOG =
  'process.stdin.on("end", () => { try { process.kill(-Number(process.argv[1]), "SIGKILL"); } catch {} process.exit(0); }).resume();';

/**
 * Kills `leader`'s process group when this process dies, however it died (a cancelled test run):
 * local mode in a group of its own would outlive us, with its engines. A watchdog outside both
 * groups holds a pipe from us and acts on its end-of-file, as the engines' supervisors do
 * (local/engines/engine-supervisor.mjs).
 */
export function killGroupWhenWeDie(leader: ChildProcess): void {
  const watchdog = spawn(process.execPath, ["-e", WATCHDOG, String(leader.pid)], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  watchdog.stdin?.on("error", () => undefined);
  watchdog.unref();
  // Once the leader is gone the group's number may be reused: the watchdog must never act then.
  leader.once("exit", () => watchdog.kill("SIGKILL"));
}

/** Every process below `pid` (children, grandchildren...), from `ps`. */
export function descendantsOf(pid: number): { pid: number; command: string }[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3] ?? "" }));
  const found: { pid: number; command: string }[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const row of table.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      queue.push(row.pid);
    }
  }
  return found;
}

/**
 * Every process below `pid` with its command line, captured while they run, so that `stillRunning`
 * can tell later whether each runs still, and not some other process the OS gave its pid since.
 */
export function processesBelow(pid: number): { pid: number; commandLine: string }[] {
  return descendantsOf(pid).flatMap(({ pid: below }) => {
    const entry = processEntry(below);
    return entry ? [{ pid: below, commandLine: entry.commandLine }] : [];
  });
}

export function stillRunning(captured: { pid: number; commandLine: string }[]) {
  return captured.filter(({ pid, commandLine }) => processEntry(pid)?.commandLine === commandLine);
}

/** Waits up to `timeoutMs` for every captured process to be gone; answers those still running then. */
export async function stillRunningAfter(
  captured: { pid: number; commandLine: string }[],
  timeoutMs: number,
): Promise<{ pid: number; commandLine: string }[]> {
  return eventually(
    "every process to be gone",
    () => (stillRunning(captured).length === 0 ? [] : undefined),
    timeoutMs,
    100,
  ).catch(() => stillRunning(captured));
}

/** Polls `probe` until it answers something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
