/**
 * The two homes of the client registry document: the client-tokens secret in Secrets Manager
 * (deployed service) and a JSON file (local mode's LOCAL_CLIENTS_FILE). The file is replaced
 * atomically (write a sibling, then rename) and readable by its owner only, since it names clients
 * and their scopes.
 */
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { ClientRegistryStore } from "./client-registry-editor";

export class SecretsManagerClientRegistryStore implements ClientRegistryStore {
  constructor(
    private readonly client: SecretsManagerClient,
    readonly location: string,
  ) {}

  async read(): Promise<string | undefined> {
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.location }));
      return answer.SecretString;
    } catch (error) {
      // A secret created without a value has no current version yet: an empty registry.
      if (error instanceof ResourceNotFoundException && /secret value|version/i.test(error.message))
        return undefined;
      throw error;
    }
  }

  async write(documentText: string): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({ SecretId: this.location, SecretString: documentText }),
    );
  }
}

export class FileClientRegistryStore implements ClientRegistryStore {
  constructor(readonly location: string) {}

  async read(): Promise<string | undefined> {
    try {
      return await readFile(this.location, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async write(documentText: string): Promise<void> {
    const next = `${this.location}.${process.pid}.tmp`;
    await writeFile(next, documentText, { mode: 0o600 });
    await chmod(next, 0o600);
    await rename(next, this.location);
  }
}
