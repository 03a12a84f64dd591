/**
 * Onboards, offboards or updates many people from a CSV file, through a running service's API.
 *
 *   npm run bulk -- onboard|offboard|update FILE.csv [--dry-run] [--api URL] [--token TOKEN]
 *
 * Where: `--api` / `LIFECYCLE_API_URL` (e.g. http://127.0.0.1:3000, or the stack's ApiUrl output)
 * and `--token` / `LIFECYCLE_API_TOKEN`. docs/integrations.md "Bulk changes from a CSV file".
 */
import { parseArgs } from "node:util";
import { LifecycleApi } from "./bulk/lifecycle-api";
import { BULK_KINDS, type BulkKind } from "./bulk/rows";
import { runBulk } from "./bulk/run-bulk";

const USAGE = `usage: npm run bulk -- ${BULK_KINDS.join("|")} FILE.csv [--dry-run] [--api URL] [--token TOKEN]
  --api defaults to LIFECYCLE_API_URL, --token to LIFECYCLE_API_TOKEN.`;

async function bulkCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [kind, file, ...rest] = positionals;
  const apiUrl = values.api ?? env.LIFECYCLE_API_URL;
  const token = values.token ?? env.LIFECYCLE_API_TOKEN;
  const problem =
    !kind || !(BULK_KINDS as readonly string[]).includes(kind)
      ? `Give the kind: ${BULK_KINDS.join(", ")}.`
      : !file
        ? "Give the CSV file."
        : rest.length > 0
          ? `Unexpected argument: ${rest[0]}`
          : !apiUrl
            ? "Say where the service is: --api or LIFECYCLE_API_URL."
            : !token
              ? "Give a bearer token: --token or LIFECYCLE_API_TOKEN."
              : undefined;
  if (problem) {
    process.stderr.write(`${problem}\n${USAGE}\n`);
    return 2;
  }
  return runBulk({
    kind: kind as BulkKind,
    file: file as string,
    dryRun: values["dry-run"] ?? false,
    api: new LifecycleApi({ baseUrl: apiUrl as string, token: token as string }),
    out: (line) => process.stdout.write(`${line}\n`),
    progressOutput: process.stderr,
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "dry-run": { type: "boolean" }, api: { type: "string" }, token: { type: "string" } },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await bulkCli(process.argv.slice(2), process.env).catch((error) => {
    process.stderr.write(`bulk: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
