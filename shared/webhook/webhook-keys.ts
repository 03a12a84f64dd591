/**
 * The keys that may sign Dialpad's webhook events. The `webhook_secret` secret holds either the bare
 * secret or, during a rotation, JSON `{"current": "...", "previous": "..."}`: events signed with
 * either are accepted until the old one is dropped. A signature no cached key matches forces one
 * re-read of the secret (at most once a minute), so a rotation is picked up without a deploy and a
 * flood of forged events cannot turn into a flood of Secrets Manager reads.
 */
import { SecretReadError, type SecretSource } from "../secrets/secret-source";

const encoder = new TextEncoder();

export function webhookKeysFromSecretValue(value: string): Uint8Array[] {
  const text = value.trim();
  let secrets = [text];
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SecretReadError("The webhook secret looks like JSON but does not parse.");
    }
    const { current, previous } = (parsed ?? {}) as { current?: unknown; previous?: unknown };
    if (typeof current !== "string")
      throw new SecretReadError('The webhook secret has no string "current" field.');
    secrets = [current, typeof previous === "string" ? previous : ""].map((secret) => secret.trim());
  }
  const keys = secrets.filter((secret) => secret !== "").map((secret) => encoder.encode(secret));
  if (keys.length === 0) throw new SecretReadError("The webhook secret is empty.");
  return keys;
}

export class WebhookKeyring<Name extends string> {
  #lastForcedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: SecretSource<Name>,
    private readonly secretName: Name,
    private readonly nowMs: () => number = Date.now,
    private readonly minRefreshIntervalMs = 60_000,
  ) {}

  async keys(): Promise<Uint8Array[]> {
    return webhookKeysFromSecretValue(await this.source.get(this.secretName));
  }

  /** Fresh keys after a signature matched none, or undefined when a re-read happened too recently. */
  async refreshedKeys(): Promise<Uint8Array[] | undefined> {
    const now = this.nowMs();
    if (now - this.#lastForcedAt < this.minRefreshIntervalMs) return undefined;
    this.#lastForcedAt = now;
    return webhookKeysFromSecretValue(await this.source.get(this.secretName, { forceFetch: true }));
  }
}
