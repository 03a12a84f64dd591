/**
 * Edits the client registry: who may call the API, with which scopes.
 *
 *   npm run client-token -- add NAME --scopes onboard,read [--mass-offboard-limit N] [--secret-id ARN | --file PATH]
 *   npm run client-token -- list [--secret-id ARN | --file PATH]
 *   npm run client-token -- rotate-callback-key NAME [--secret-id ARN | --file PATH]
 *   npm run client-token -- revoke NAME [--secret-id ARN | --file PATH]
 *
 * Where: `--secret-id` (the stack's ClientTokensSecretArn output; AWS credentials and region from the
 * usual AWS environment), else `--file`, else LOCAL_CLIENTS_FILE (local mode). `add` prints the new
 * token and the client's callback key once, to stdout, each alone on its line (token first), so
 * they can be piped; only the token's SHA-256 is stored. `rotate-callback-key` prints the new key.
 * `--mass-offboard-limit N`: more than N offboards by the client within 15 minutes are held until
 * another client releases them (0 = off; docs/security.md, the mass-change guard).
 */
import { parseArgs } from "node:util";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ClientRegistryError, MAX_MASS_OFFBOARD_LIMIT } from "../../shared/auth/client-registry";
import { ClientRegistryEditor, type ClientRegistryStore } from "../../shared/auth/client-registry-editor";
import {
  FileClientRegistryStore,
  SecretsManagerClientRegistryStore,
} from "../../shared/auth/client-registry-stores";
import { SCOPES } from "../../shared/auth/scopes";

const USAGE = `usage:
  npm run client-token -- add NAME --scopes ${SCOPES.join(",")} [--mass-offboard-limit N] [--secret-id ARN | --file PATH]
  npm run client-token -- list [--secret-id ARN | --file PATH]
  npm run client-token -- rotate-callback-key NAME [--secret-id ARN | --file PATH]
  npm run client-token -- revoke NAME [--secret-id ARN | --file PATH]
The registry is the secret given with --secret-id, else the file given with --file or LOCAL_CLIENTS_FILE.`;

class UsageError extends Error {}

export interface ToolIo {
  out(line: string): void;
  err(line: string): void;
}

export type RegistryLocation = { secretId: string } | { file: string };

/** Runs one command; answers the process exit code (0 done, 1 refused, 2 bad usage). */
export async function runClientTokenTool(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: ToolIo,
  storeFor: (where: RegistryLocation) => ClientRegistryStore = defaultStore,
): Promise<number> {
  try {
    const { positionals, values } = parse(argv);
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const [command, name, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}`);
    const secretId = values["secret-id"];
    const file = values.file ?? env.LOCAL_CLIENTS_FILE;
    if (!secretId && !file)
      throw new UsageError("Say where the registry is: --secret-id, --file or LOCAL_CLIENTS_FILE.");
    const store = storeFor(secretId ? { secretId } : { file: file as string });
    const editor = new ClientRegistryEditor(store);

    switch (command) {
      case "list": {
        if (name) throw new UsageError("list takes no name.");
        const clients = await editor.list();
        if (clients.length === 0) io.err(`No clients in ${store.location}.`);
        for (const client of clients)
          io.out(
            `${client.name}\t${client.scopes.join(",")}${client.mass_offboard_limit === undefined ? "" : `\tmass_offboard_limit=${client.mass_offboard_limit}`}`,
          );
        return 0;
      }
      case "add": {
        if (!name) throw new UsageError("add needs a client name.");
        if (!values.scopes) throw new UsageError(`add needs --scopes (some of ${SCOPES.join(",")}).`);
        const scopes = values.scopes
          .split(",")
          .map((scope) => scope.trim())
          .filter(Boolean);
        const limit = massOffboardLimit(values["mass-offboard-limit"]);
        const { token, callbackKey } = await editor.add(name, scopes, limit);
        io.err(
          `Added ${name} (${scopes.join(",")}) to ${store.location}. Shown this once: its token (first line, stored nowhere), then the key its callbacks are signed with (second line):`,
        );
        io.out(token);
        io.out(callbackKey);
        return 0;
      }
      case "rotate-callback-key": {
        if (!name) throw new UsageError("rotate-callback-key needs a client name.");
        const callbackKey = await editor.rotateCallbackKey(name);
        io.err(
          `New callback key of ${name} in ${store.location}, shown this once; callbacks are signed with it once the service's secret cache expires:`,
        );
        io.out(callbackKey);
        return 0;
      }
      case "revoke": {
        if (!name) throw new UsageError("revoke needs a client name.");
        await editor.revoke(name);
        io.err(
          `Revoked ${name} in ${store.location}; the service refuses its token once its secret cache expires.`,
        );
        return 0;
      }
      default:
        throw new UsageError(
          command
            ? `Unknown command: ${command}`
            : "Give a command: add, list, rotate-callback-key or revoke.",
        );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ClientRegistryError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        scopes: { type: "string" },
        "mass-offboard-limit": { type: "string" },
        "secret-id": { type: "string" },
        file: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function massOffboardLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > MAX_MASS_OFFBOARD_LIMIT)
    throw new UsageError(
      `--mass-offboard-limit takes a whole number from 0 (off) to ${MAX_MASS_OFFBOARD_LIMIT}.`,
    );
  return Number(value);
}

function defaultStore(where: RegistryLocation): ClientRegistryStore {
  if ("secretId" in where)
    return new SecretsManagerClientRegistryStore(new SecretsManagerClient({}), where.secretId);
  return new FileClientRegistryStore(where.file);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runClientTokenTool(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
