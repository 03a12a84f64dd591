/**
 * Serves the client registry from its secret. The secret's cache decides how fresh the document is;
 * the parsed registry is kept as long as the document text is unchanged, so a warm authorizer does
 * not re-parse on every request and a rotated document takes effect on the next read.
 */
import type { SecretSource } from "../secrets/secret-source";
import { type ClientRegistry, parseClientRegistry } from "./client-registry";

export class ClientRegistrySource<Name extends string> {
  #lastText: string | undefined;
  #lastRegistry: ClientRegistry | undefined;

  constructor(
    private readonly secrets: SecretSource<Name>,
    private readonly secretName: Name,
  ) {}

  async load(): Promise<ClientRegistry> {
    const text = await this.secrets.get(this.secretName);
    if (this.#lastRegistry === undefined || text !== this.#lastText) {
      this.#lastRegistry = parseClientRegistry(text);
      this.#lastText = text;
    }
    return this.#lastRegistry;
  }
}
