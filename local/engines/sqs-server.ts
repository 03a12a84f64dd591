/**
 * The SQS API server (fauxqs) as a child process, spoken to with the same @aws-sdk/client-sqs
 * code that runs against real SQS.
 */
import { join, resolve } from "node:path";
import { freePort, type RunningEngine, spawnEngine } from "./child-process";

/**
 * FAUXQS_HOST is the host inside the queue URLs it answers: `localhost` gives
 * `http://sqs.us-east-1.localhost:<port>/...`, which URL parsers (and the handlers' `z.url()` check of
 * the queue URLs) accept; `127.0.0.1` would give a host ending in a number, which they reject. The SDK
 * never connects to that host: the clients have an explicit endpoint.
 */
export async function startSqsServer(options: { port?: number } = {}): Promise<RunningEngine> {
  const port = options.port ?? (await freePort());
  // fauxqs exports only its library entry (ESM); its CLI sits beside it in dist/.
  const cli = join(resolve(import.meta.dirname, "../.."), "node_modules", "fauxqs", "dist", "cli.js");
  return spawnEngine({
    name: "SQS server (fauxqs)",
    command: process.execPath,
    args: [cli],
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: "localhost", FAUXQS_LOGGER: "false" },
    port,
    isReady: async (endpoint) => (await fetch(`${endpoint}/health`)).ok,
  });
}
