/**
 * SecretSource over AWS Secrets Manager, through Powertools' SecretsProvider: values are cached
 * in the container for `maxAgeSeconds` (SECRET_CACHE_SECONDS), so a rotated secret is picked up
 * within minutes without a deploy, and `forceFetch` re-reads at once. Build one per container.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretReadError, type SecretReadOptions, type SecretSource } from "./secret-source";

export interface SecretsManagerSecretSourceOptions {
  /** Injected for tests and custom endpoints; by default the provider builds its own client. */
  client?: SecretsManagerClient;
  maxAgeSeconds: number;
}

export class SecretsManagerSecretSource implements SecretSource {
  readonly #provider: SecretsProvider;
  readonly #maxAgeSeconds: number;

  constructor({ client, maxAgeSeconds }: SecretsManagerSecretSourceOptions) {
    this.#provider = new SecretsProvider(client ? { awsSdkV3Client: client } : {});
    this.#maxAgeSeconds = maxAgeSeconds;
  }

  /** `secretId` is the secret's ARN (or name). */
  async get(secretId: string, { forceFetch = false }: SecretReadOptions = {}): Promise<string> {
    let value: string | Uint8Array | undefined;
    try {
      value = await this.#provider.get(secretId, { maxAge: this.#maxAgeSeconds, forceFetch });
    } catch (error) {
      throw new SecretReadError(`Could not read secret ${secretId}.`, { cause: error });
    }
    if (value === undefined) throw new SecretReadError(`Secret ${secretId} has no value.`);
    return typeof value === "string" ? value : Buffer.from(value).toString("utf8");
  }
}
