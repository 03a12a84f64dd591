/**
 * `npm start`: the whole service on this machine, no AWS account (docs/local-mode.md).
 * Validates the local settings, starts everything (runtime/local-service.ts), prints the ready line
 * with the URL and the token plus a few curl examples, and stops every child process on Ctrl-C or
 * SIGTERM within 5 seconds.
 */
import { ConfigError } from "../shared/config";
import { startLocalService } from "./runtime/local-service";
import { loadLocalSettings } from "./runtime/local-settings";
import { watchForOrphaning } from "./runtime/orphan-watch";
import { consoleProgressLog, describeError } from "./runtime/progress-log";

/** Stopping must finish well inside 5 s; past this, exit anyway (the engines' supervisors then stop them). */
const STOP_DEADLINE_MS = 4000;

// Local mode supports Node 20 (Lambda runs 22); the SDK's notice about its future Node 22 floor
// is ten lines of noise in the middle of the start-up output. The README states the Node versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const log = consoleProgressLog();

let settings: ReturnType<typeof loadLocalSettings>;
try {
  settings = loadLocalSettings();
} catch (error) {
  log.error(error instanceof ConfigError ? error.message : describeError(error));
  process.exit(1);
}

let stopping = false;
let stopService: (() => Promise<void>) | undefined;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.step(`${signal}: stopping...`);
  const forced = setTimeout(() => {
    log.warn("stopping took too long; exiting anyway");
    process.exit(1);
  }, STOP_DEADLINE_MS);
  // Before the service is up there is nothing to stop in order: exiting is the stop, and the
  // supervisors of the engines started so far stop them when we are gone (local/engines/child-process.ts).
  await stopService?.().catch((error) => log.error(describeError(error)));
  clearTimeout(forced);
  log.step("stopped");
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
// `kill <npm pid>` stops npm's shell but never reaches us: leaving with our parent is the same stop.
watchForOrphaning(() => void shutdown("parent process gone"));

try {
  const service = await startLocalService(settings, log);
  stopService = service.stop;
  // Since this node process started (module loading included), not since this line ran.
  const seconds = process.uptime().toFixed(1);
  log.plain(
    `\nready in ${seconds} s: ${service.url}  (bearer token: ${service.token})\n\n${examples(service.url, service.token)}`,
  );
} catch (error) {
  log.error(describeError(error));
  process.exit(1);
}

function examples(url: string, token: string): string {
  const auth = `-H "Authorization: Bearer ${token}"`;
  return [
    "Try:",
    `  curl -s ${url}/v1/health`,
    `  curl -s -X POST ${url}/v1/onboard ${auth} -H "Content-Type: application/json" \\`,
    `    -d '{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","office_name":"HQ","area_code":"415"}'`,
    `  curl -s ${url}/v1/jobs/<job_id> ${auth}`,
    `  curl -s ${url}/v1/users/ada@example.com ${auth}`,
    `  curl -s -X POST ${url}/v1/offboard ${auth} -H "Content-Type: application/json" -d '{"email":"ada@example.com"}'`,
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}
