/**
 * The client-token tool edits the registry the authorizer reads: in a file (local mode, a temp file
 * here) and in the client-tokens secret (Secrets Manager, mocked with aws-sdk-client-mock). A new
 * token is printed once and only its digest is stored; the stored document is what the authorizer
 * accepts. Two edits racing (an `add` and a `revoke`) both take effect, in either home.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runClientTokenTool } from "../../local/tools/client-token";
import { authenticate } from "../../shared/auth/authenticate";
import { parseClientRegistry } from "../../shared/auth/client-registry";
import { ClientRegistryEditor, type ClientRegistryStore } from "../../shared/auth/client-registry-editor";
import { WithClientsFile } from "../../shared/auth/client-registry-source";
import {
  FileClientRegistryStore,
  SecretsManagerClientRegistryStore,
} from "../../shared/auth/client-registry-stores";
import { hashToken } from "../../shared/auth/hash-token";
import { VersionedSecret } from "./versioned-secret";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "client-token-"));
  file = join(dir, "clients.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (argv: string[], env: NodeJS.ProcessEnv = { LOCAL_CLIENTS_FILE: file }) => {
  const output = capture();
  return runClientTokenTool(argv, env, output.io).then((code) => ({ code, ...output }));
};

describe("client-token with a local registry file", () => {
  it("adds a client: prints its token and callback key once, stores only the token's digest, and the authorizer accepts it", async () => {
    const added = await run(["add", "servicenow", "--scopes", "onboard,read"]);
    expect(added.code).toBe(0);
    expect(added.out).toHaveLength(2);
    const [token = "", callbackKey = ""] = added.out;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbackKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbackKey).not.toBe(token);
    expect(added.err.join("\n")).not.toContain(token);
    expect(added.err.join("\n")).not.toContain(callbackKey);

    const text = await readFile(file, "utf8");
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual({
      clients: [
        {
          name: "servicenow",
          token_sha256: hashToken(token),
          scopes: ["onboard", "read"],
          callback_key: callbackKey,
        },
      ],
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(authenticate(parseClientRegistry(text), `Bearer ${token}`)).toEqual({
      client: "servicenow",
      scopes: ["onboard", "read"],
    });
  });

  it("lists names and scopes, never a token or digest", async () => {
    const first = await run(["add", "jira", "--scopes", "onboard,offboard,read"]);
    await run(["add", "zendesk", "--scopes", "read"]);
    const listed = await run(["list"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual(["jira\tonboard,offboard,read", "zendesk\tread"]);
    const printed = [...listed.out, ...listed.err].join("\n");
    expect(printed).not.toContain(first.out[0]);
    expect(printed).not.toContain(hashToken(first.out[0] as string));
    expect(printed).not.toContain(first.out[1]);
  });

  it("gives a client a new callback key (its first, for one registered before keys), keeping its token", async () => {
    await writeFile(
      file,
      JSON.stringify({
        clients: [{ name: "legacy", token_sha256: hashToken("legacy-token-0123"), scopes: ["read"] }],
      }),
    );
    const first = await run(["rotate-callback-key", "legacy"]);
    expect(first.code).toBe(0);
    expect(first.out).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
    const second = await run(["rotate-callback-key", "legacy"]);
    expect(second.out[0]).not.toBe(first.out[0]);
    const registry = parseClientRegistry(await readFile(file, "utf8"));
    expect(registry.clients).toEqual([
      expect.objectContaining({ name: "legacy", callbackKey: second.out[0], scopes: ["read"] }),
    ]);
    expect(authenticate(registry, "Bearer legacy-token-0123").client).toBe("legacy");
    expect((await run(["rotate-callback-key", "nobody"])).code).toBe(1);
    expect((await run(["rotate-callback-key"])).code).toBe(2);
  });

  it("adds a client with a mass-offboard limit that the authorizer hands on; refuses a bad limit without writing", async () => {
    const added = await run(["add", "hr-feed", "--scopes", "offboard", "--mass-offboard-limit", "2"]);
    expect(added.code).toBe(0);
    const text = await readFile(file, "utf8");
    expect(JSON.parse(text).clients[0]).toMatchObject({ name: "hr-feed", mass_offboard_limit: 2 });
    const principal = authenticate(parseClientRegistry(text), `Bearer ${added.out[0]}`);
    expect(principal).toEqual({ client: "hr-feed", scopes: ["offboard"], massOffboardLimit: 2 });
    expect((await run(["list"])).out).toEqual(["hr-feed\toffboard\tmass_offboard_limit=2"]);
    for (const bad of ["-1", "two", "1.5", "1001"]) {
      const refused = await run(["add", "other", "--scopes", "offboard", "--mass-offboard-limit", bad]);
      expect(refused.code).toBe(2);
    }
    expect(await readFile(file, "utf8")).toBe(text);
  });

  it("refuses to add a name twice (a token is never shown again) and leaves the registry unchanged", async () => {
    await run(["add", "jira", "--scopes", "read"]);
    const before = await readFile(file, "utf8");
    const again = await run(["add", "jira", "--scopes", "read"]);
    expect(again.code).toBe(1);
    expect(again.out).toEqual([]);
    expect(again.err.join()).toMatch(/exists already/);
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("revokes a client, after which its token is refused", async () => {
    const added = await run(["add", "jira", "--scopes", "read"]);
    await run(["add", "zendesk", "--scopes", "read"]);
    expect((await run(["revoke", "jira"])).code).toBe(0);
    const registry = parseClientRegistry(await readFile(file, "utf8"));
    expect(registry.clients.map((client) => client.name)).toEqual(["zendesk"]);
    expect(() => authenticate(registry, `Bearer ${added.out[0]}`)).toThrow(/not valid/);
    expect((await run(["revoke", "jira"])).code).toBe(1);
  });

  it("refuses unknown scopes, bad names and bad usage without writing", async () => {
    expect((await run(["add", "jira", "--scopes", "read,root"])).err.join()).toMatch(
      /Unknown scope\(s\): root/,
    );
    expect((await run(["add", "bad name!", "--scopes", "read"])).err.join()).toMatch(/clients\.0\.name/);
    expect((await run(["add", "jira"])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run(["list"], {})).code).toBe(2);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  it("refuses to edit a registry that is not valid JSON, and keeps it", async () => {
    await writeFile(file, "{not json");
    const added = await run(["add", "jira", "--scopes", "read"]);
    expect(added.code).toBe(1);
    expect(added.out).toEqual([]);
    expect(await readFile(file, "utf8")).toBe("{not json");
  });

  it("is what local mode's authorizer reads, on every request", async () => {
    const local = { load: async () => parseClientRegistry('{"clients":[]}') };
    const registry = new WithClientsFile(local, new FileClientRegistryStore(file));
    expect((await registry.load()).clients).toEqual([]);
    const added = await run(["add", "jira", "--scopes", "read"]);
    expect(authenticate(await registry.load(), `Bearer ${added.out[0]}`).client).toBe("jira");
    await run(["revoke", "jira"]);
    expect((await registry.load()).clients).toEqual([]);
  });
});

describe("client-token with the client-tokens secret", () => {
  const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:client-tokens-AbCdEf";
  const secretsManager = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: "eu-west-1" });
  let secret: VersionedSecret;
  const runAws = (argv: string[]) => {
    const output = capture();
    return runClientTokenTool([...argv, "--secret-id", SECRET], {}, output.io, (where) => {
      expect(where).toEqual({ secretId: SECRET });
      return new SecretsManagerClientRegistryStore(client, SECRET);
    }).then((code) => ({ code, ...output }));
  };

  beforeEach(() => {
    secretsManager.reset();
    secret = new VersionedSecret(SECRET);
    secret.serve(secretsManager);
  });

  it("adds to a secret that has no value yet, then to the stored document", async () => {
    const first = await runAws(["add", "servicenow", "--scopes", "onboard,offboard,read"]);
    const second = await runAws(["add", "jira", "--scopes", "read"]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const stored = secret.current() as string;
    const registry = parseClientRegistry(stored);
    expect(registry.clients.map((c) => c.name)).toEqual(["servicenow", "jira"]);
    expect(stored).not.toContain(first.out[0]);
    expect(authenticate(registry, `Bearer ${second.out[0]}`).scopes).toEqual(["read"]);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  it("revokes and lists through the secret", async () => {
    await runAws(["add", "servicenow", "--scopes", "read"]);
    await runAws(["add", "jira", "--scopes", "read"]);
    expect((await runAws(["revoke", "servicenow"])).code).toBe(0);
    expect((await runAws(["list"])).out).toEqual(["jira\tread"]);
  });

  it("fails on any other Secrets Manager error without writing", async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
    await expect(runAws(["add", "jira", "--scopes", "read"])).rejects.toThrow(/AccessDenied/);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("makes a new version current only from the version the edit read", async () => {
    const store = new SecretsManagerClientRegistryStore(client, SECRET);
    const read = await store.read();
    expect(await store.replace("first", read.version)).toBe(true);
    expect(await store.replace("second", read.version)).toBe(false);
    expect(secret.current()).toBe("first");
  });

  it("loses nothing when an add races a revoke: the revoked token stays revoked", async () => {
    const store = () => new SecretsManagerClientRegistryStore(client, SECRET);
    const { leaked } = await raceAddAgainstRevoke(store);
    const registry = parseClientRegistry(secret.current() as string);
    expect(registry.clients.map((c) => c.name)).toEqual(["jira"]);
    expect(() => authenticate(registry, `Bearer ${leaked}`)).toThrow(/not valid/);
    // The losing edit's first version was never made current.
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(4);
  });
});

describe("registry edits that race", () => {
  it("refuses to replace the local file from a version that is no longer stored", async () => {
    const store = new FileClientRegistryStore(file);
    const read = await store.read();
    expect(await store.replace("first", read.version)).toBe(true);
    expect(await store.replace("second", read.version)).toBe(false);
    expect(await readFile(file, "utf8")).toBe("first");
  });

  it("loses nothing in the local file when an add races a revoke", async () => {
    const { leaked } = await raceAddAgainstRevoke(() => new FileClientRegistryStore(file));
    const registry = parseClientRegistry(await readFile(file, "utf8"));
    expect(registry.clients.map((c) => c.name)).toEqual(["jira"]);
    expect(() => authenticate(registry, `Bearer ${leaked}`)).toThrow(/not valid/);
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it("gives up with a clear error, writing nothing, when the document keeps changing", async () => {
    const stored = new FileClientRegistryStore(file);
    const alwaysBeaten: ClientRegistryStore = {
      location: file,
      read: () => stored.read(),
      replace: async () => false,
    };
    await expect(new ClientRegistryEditor(alwaysBeaten).add("jira", ["read"])).rejects.toThrow(
      /kept changing during the edit/,
    );
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
});

/**
 * `leaked` is registered; then one editor revokes it while another adds `jira`, both having read
 * the registry before either writes (what an unconditional write turns back into `leaked`).
 */
async function raceAddAgainstRevoke(storeAt: () => ClientRegistryStore) {
  const { token: leaked } = await new ClientRegistryEditor(storeAt()).add("leaked", ["offboard"]);
  const [revoking, adding] = readingTogether(storeAt(), storeAt());
  await Promise.all([
    new ClientRegistryEditor(revoking).revoke("leaked"),
    new ClientRegistryEditor(adding).add("jira", ["read"]),
  ]);
  return { leaked };
}

/** Stores whose first reads all answer before any of them goes on: every edit starts from one version. */
function readingTogether(
  ...stores: [ClientRegistryStore, ClientRegistryStore]
): [ClientRegistryStore, ClientRegistryStore] {
  let waiting = stores.length;
  let allRead: () => void = () => {};
  const everyoneHasRead = new Promise<void>((resolve) => {
    allRead = resolve;
  });
  const togetherWithTheOthers = (store: ClientRegistryStore): ClientRegistryStore => {
    let first = true;
    return {
      location: store.location,
      replace: (text, expected) => store.replace(text, expected),
      read: async () => {
        const stored = await store.read();
        if (first) {
          first = false;
          waiting -= 1;
          if (waiting === 0) allRead();
          await everyoneHasRead;
        }
        return stored;
      },
    };
  };
  return [togetherWithTheOthers(stores[0]), togetherWithTheOthers(stores[1])];
}
