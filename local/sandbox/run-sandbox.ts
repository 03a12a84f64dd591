/**
 * Runs the sandbox on its own: `npx tsx local/sandbox/run-sandbox.ts`. Settings from env:
 * SANDBOX_PORT (default 8089), SANDBOX_API_KEY, SANDBOX_SEED_USERS, SANDBOX_LATENCY_MS,
 * SANDBOX_RATE_LIMIT_RPS, SANDBOX_OPERATION_LIMIT_PER_MINUTE, SANDBOX_NEIGHBOUR (off|steady|bursty),
 * SANDBOX_NEIGHBOUR_RPS, SANDBOX_NEIGHBOUR_BURST, SANDBOX_NEIGHBOUR_BURST_EVERY_MS, SANDBOX_NULL_FOR_UNSET (1 = answer null for unset fields), SANDBOX_NO_RESERVED_POOL
 * (1 = no reserved pool: an unassigned number is released),
 * SANDBOX_USERS_DEFAULT_STATE (`active` = `GET /users` without state lists active users only). Prints one line with the base URL once it accepts requests.
 */
import { watchForOrphaning } from "../runtime/orphan-watch";
import { sandboxModesFromEnv, startSandbox } from "./index";

const numberFromEnv = (name: string) => {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number`);
  return parsed;
};

const sandbox = await startSandbox({
  port: numberFromEnv("SANDBOX_PORT") ?? 8089,
  apiKey: process.env.SANDBOX_API_KEY || undefined,
  seedUsers: numberFromEnv("SANDBOX_SEED_USERS"),
  latencyMs: numberFromEnv("SANDBOX_LATENCY_MS"),
  rateLimitPerSecond: numberFromEnv("SANDBOX_RATE_LIMIT_RPS"),
  operationLimitPerMinute: numberFromEnv("SANDBOX_OPERATION_LIMIT_PER_MINUTE"),
  ...sandboxModesFromEnv(process.env),
});
// The key is deliberately not printed: it is configured by whoever started the process.
console.log(`Dialpad sandbox ready at ${sandbox.baseUrl} (control: ${sandbox.url}/__sandbox/state)`);

const stop = () => void sandbox.stop().then(() => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop);
// `kill <npx pid>` stops npx's shell but never reaches us (as for local mode): leave with our parent.
watchForOrphaning(stop);
