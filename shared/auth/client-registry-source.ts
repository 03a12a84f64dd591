/**
 * Serves the client registry from its secret. The secret's cache decides how fresh the document is;
 * the parsed registry is kept as long as the document text is unchanged, so a warm authorizer does
 * not re-parse on every request and a rotated document takes effect on the next read.
 */
import type { SecretSource } from "../secrets/secret-source";
import { type ClientRegistry, parseClientRegistry } from "./client-registry";
import type { ClientRegistryStore } from "./client-registry-editor";
import { FileClientRegistryStore } from "./client-registry-stores";

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

/**
 * Local mode's LOCAL_CLIENTS_FILE: the registry's clients plus the file's, the file read on every
 * load (a missing file has no clients), so a client added or revoked with the tool counts at once.
 */
export class WithClientsFile {
  readonly #file: ClientRegistrySource<"file">;

  constructor(
    private readonly registry: { load(): Promise<ClientRegistry> },
    file: ClientRegistryStore,
  ) {
    this.#file = new ClientRegistrySource(
      { get: async () => (await file.read()).text ?? '{"clients":[]}' },
      "file",
    );
  }

  async load(): Promise<ClientRegistry> {
    const [registry, file] = await Promise.all([this.registry.load(), this.#file.load()]);
    return { clients: [...registry.clients, ...file.clients] };
  }
}

/**
 * The registry as the service reads it (the authorizer, and the notifier for callback keys): the
 * client-tokens secret, plus LOCAL_CLIENTS_FILE's clients in local mode.
 */
export function serviceClientRegistry(
  secrets: SecretSource<"client_tokens">,
  localClientsFile: string | undefined,
): { load(): Promise<ClientRegistry> } {
  const registry = new ClientRegistrySource(secrets, "client_tokens");
  return localClientsFile
    ? new WithClientsFile(registry, new FileClientRegistryStore(localClientsFile))
    : registry;
}
