/**
 * The Dialpad sandbox in a child process of its own, as Dialpad is a separate system: its clock and
 * its arrival timestamps (what the 20/s limit and the peak are judged by) must not stall when the
 * bench process's event loop does (GC, a burst of DynamoDB answers). The parent talks to it over
 * the IPC channel: facts for the workload, stats, users' states, stop. The channel is also its
 * lifeline: the kernel closes it when the bench process dies, however it died, and the sandbox then exits.
 *
 * This file is both sides: imported, it exports `startSandboxProcess`; forked, it runs the sandbox.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SandboxOptions, SandboxStats } from "../../local/sandbox/index";
import type { SandboxSettings } from "../../local/sandbox/sandbox-api";
import type { NeighbourCounts } from "../../local/sandbox/traffic/neighbour";

const AREA_CODES = ["415", "212", "646"] as const;

/** What the workload needs to know about the seeded company. */
export interface SandboxFacts {
  /** The HQ office's id (plain onboardings name the office by id). */
  hqOfficeId: string;
  callCenters: { support: string; sales: string };
  /** Reserved numbers per area code, in the order the workload uses the blocks. */
  reservedNumbers: { areaCode: string; count: number }[];
}

type Command =
  | { type: "stats" }
  | { type: "peakRss" }
  | { type: "resetStats" }
  | { type: "configure"; settings: Partial<SandboxSettings> }
  | { type: "neighbourStats" }
  | { type: "userStates"; emails: string[] }
  | { type: "stop" };
type Request = Command & { id: number };

type Reply = { id: number; result?: unknown; error?: string };
type Ready = { type: "ready"; baseUrl: string; apiKey: string; facts: SandboxFacts };

export interface SandboxProcess {
  baseUrl: string;
  apiKey: string;
  facts: SandboxFacts;
  stats(): Promise<SandboxStats>;
  /** The sandbox process's peak resident set size, bytes. */
  peakRssBytes(): Promise<number>;
  resetStats(): Promise<void>;
  /** Changes settings while it runs (the neighbour's, latency ...), as `POST /__sandbox/config` does. */
  configure(settings: Partial<SandboxSettings>): Promise<void>;
  /** What the simulated neighbour spent since the last stats reset. */
  neighbourStats(): Promise<NeighbourCounts>;
  /** The state of the live user owning each email (undefined when there is none). */
  userStates(emails: readonly string[]): Promise<(string | undefined)[]>;
  stop(): Promise<void>;
}

export async function startSandboxProcess(options: SandboxOptions): Promise<SandboxProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<Ready>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`the sandbox process exited (${code}) before it was ready`)),
    );
    child.on("message", (message: Ready | Reply) => {
      if ("type" in message && message.type === "ready") return resolve(message);
      const reply = message as Reply;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.error) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.result);
    });
  });
  const call = <T>(request: Command): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });

  const { baseUrl, apiKey, facts } = await ready;
  return {
    baseUrl,
    apiKey,
    facts,
    stats: () => call<SandboxStats>({ type: "stats" }),
    peakRssBytes: () => call<number>({ type: "peakRss" }),
    resetStats: () => call<void>({ type: "resetStats" }),
    configure: (settings) => call<void>({ type: "configure", settings }),
    neighbourStats: () => call<NeighbourCounts>({ type: "neighbourStats" }),
    userStates: (emails) => call<(string | undefined)[]>({ type: "userStates", emails: [...emails] }),
    async stop() {
      await call<void>({ type: "stop" }).catch(() => undefined);
      await exited;
    },
  };
}

/** The child's side: run the sandbox and answer the parent until told to stop. */
async function serveSandbox(send: (message: Ready | Reply) => void): Promise<void> {
  // The parent is gone (the channel closed): nobody is left to ask for anything.
  process.once("disconnect", () => process.exit(0));
  const { startSandbox } = await import("../../local/sandbox/index");
  const options = JSON.parse(process.env.BENCH_SANDBOX_OPTIONS ?? "{}") as SandboxOptions;
  const sandbox = await startSandbox(options);
  const support = sandbox.state.callCenter("Support")?.id ?? "";
  const sales = sandbox.state.callCenter("Sales")?.id ?? "";
  const facts: SandboxFacts = {
    hqOfficeId: sandbox.state.office("HQ")?.id ?? "",
    callCenters: { support, sales },
    reservedNumbers: AREA_CODES.map((areaCode) => ({
      areaCode,
      count: sandbox.state.reservedNumbers(areaCode).length,
    })),
  };
  process.on("message", async (request: Request) => {
    try {
      switch (request.type) {
        case "stats":
          return send({ id: request.id, result: sandbox.stats() });
        case "peakRss":
          return send({ id: request.id, result: process.resourceUsage().maxRSS * 1024 });
        case "resetStats":
          sandbox.resetStats();
          return send({ id: request.id });
        case "configure":
          sandbox.configure(request.settings);
          return send({ id: request.id });
        case "neighbourStats":
          return send({ id: request.id, result: sandbox.neighbourStats() });
        case "userStates":
          return send({
            id: request.id,
            result: request.emails.map((email) => sandbox.state.userByEmail(email)?.state),
          });
        case "stop":
          await sandbox.stop();
          // Exit once the reply is out: nothing else may keep this process alive.
          process.send?.({ id: request.id } satisfies Reply, () => process.exit(0));
          return;
      }
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ type: "ready", baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, facts });
}

if (process.env.BENCH_SANDBOX_OPTIONS !== undefined && process.send) {
  const send = process.send.bind(process);
  await serveSandbox((message) => {
    send(message);
  });
}
