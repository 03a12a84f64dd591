/**
 * The two homes of the client registry document: the client-tokens secret in Secrets Manager
 * (deployed service) and a JSON file (local mode's LOCAL_CLIENTS_FILE). Both replace the document
 * only if it is still the version the edit read, so two editors racing (an `add` and a `revoke`)
 * cannot undo each other: the later one is told, re-reads and applies its change again.
 */
import { createHash } from "node:crypto";
import { chmod, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { ClientRegistryStore, StoredRegistry } from "./client-registry-editor";

/** The label a new version carries until it is made current (so it is not a deprecated version). */
export const EDIT_VERSION_STAGE = "CLIENT_REGISTRY_EDIT";

/**
 * Secrets Manager has no conditional PutSecretValue. The compare-and-set is the staging-label move
 * rotation uses: the new version is put under its own label, then `UpdateSecretVersionStage` moves
 * AWSCURRENT to it from the version the edit read (`RemoveFromVersionId`), which Secrets Manager
 * refuses when AWSCURRENT is on another version by then. The service only ever reads AWSCURRENT.
 */
export class SecretsManagerClientRegistryStore implements ClientRegistryStore {
  constructor(
    private readonly client: SecretsManagerClient,
    readonly location: string,
  ) {}

  async read(): Promise<StoredRegistry> {
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.location }));
      return { text: answer.SecretString, version: answer.VersionId };
    } catch (error) {
      // A secret created without a value has no current version yet: an empty registry.
      if (error instanceof ResourceNotFoundException && /secret value|version/i.test(error.message))
        return { text: undefined, version: undefined };
      throw error;
    }
  }

  async replace(documentText: string, expected: string | undefined): Promise<boolean> {
    const put = await this.client.send(
      new PutSecretValueCommand({
        SecretId: this.location,
        SecretString: documentText,
        VersionStages: [EDIT_VERSION_STAGE],
      }),
    );
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.location,
          VersionStage: "AWSCURRENT",
          MoveToVersionId: put.VersionId,
          RemoveFromVersionId: expected,
        }),
      );
      return true;
    } catch (error) {
      const current = (await this.read()).version;
      if (current === put.VersionId) return true; // it moved; only the answer was lost
      if (current !== expected) return false;
      throw error;
    }
  }
}

/** A lock this old belongs to an edit that crashed: it is broken. */
const STALE_LOCK_MS = 30_000;

/**
 * The file is replaced atomically (write a sibling, then rename) under a lock file created
 * exclusively (`LOCATION.lock`), after checking that its content is still what the edit read; it is
 * readable by its owner only, since it names clients and their scopes.
 */
export class FileClientRegistryStore implements ClientRegistryStore {
  constructor(readonly location: string) {}

  async read(): Promise<StoredRegistry> {
    const text = await this.readText();
    return { text, version: text === undefined ? undefined : versionOf(text) };
  }

  async replace(documentText: string, expected: string | undefined): Promise<boolean> {
    const lock = `${this.location}.lock`;
    if (!(await takeLock(lock))) return false;
    try {
      const text = await this.readText();
      if ((text === undefined ? undefined : versionOf(text)) !== expected) return false;
      const next = `${this.location}.${process.pid}.tmp`;
      await writeFile(next, documentText, { mode: 0o600 });
      await chmod(next, 0o600);
      await rename(next, this.location);
      return true;
    } finally {
      await unlink(lock);
    }
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await readFile(this.location, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }
}

const versionOf = (text: string) => createHash("sha256").update(text).digest("hex");

/** Creates the lock file; false when another edit holds it. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await (await open(lock, "wx", 0o600)).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const held = await stat(lock).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
    return false;
  }
}
