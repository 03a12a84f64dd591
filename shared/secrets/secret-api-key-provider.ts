/**
 * The Dialpad client's ApiKeyProvider over a SecretSource. `get` serves the cached key; `refresh`
 * (after a Dialpad 401) forces one re-read, shared by every request that saw the 401 at the same
 * time, so a rotated key is picked up without a storm of reads.
 *
 * The secret may hold the bare key or a JSON object `{"api_key": "..."}` (what the Secrets Manager
 * console's key/value editor produces).
 */
import type { ApiKeyProvider } from "../dialpad/api";
import { SecretReadError, type SecretSource } from "./secret-source";

export function apiKeyFromSecretValue(value: string): string {
  const text = value.trim();
  let key = text;
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SecretReadError("The Dialpad API key secret looks like JSON but does not parse.");
    }
    const apiKey = (parsed as { api_key?: unknown }).api_key;
    if (typeof apiKey !== "string")
      throw new SecretReadError('The Dialpad API key secret has no string "api_key" field.');
    key = apiKey.trim();
  }
  if (key === "") throw new SecretReadError("The Dialpad API key secret is empty.");
  return key;
}

export class SecretApiKeyProvider<Name extends string> implements ApiKeyProvider {
  #refreshing: Promise<string> | undefined;

  constructor(
    private readonly source: SecretSource<Name>,
    private readonly secretName: Name,
  ) {}

  async get(): Promise<string> {
    return apiKeyFromSecretValue(await this.source.get(this.secretName));
  }

  refresh(): Promise<string> {
    this.#refreshing ??= this.source
      .get(this.secretName, { forceFetch: true })
      .then(apiKeyFromSecretValue)
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }
}
