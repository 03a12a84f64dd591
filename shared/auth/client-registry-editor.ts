/**
 * Edits the client registry document (shared/auth/client-registry.ts) for the client-token tool:
 * add a client with a fresh token and callback key, list clients, give one a new callback key,
 * revoke one. Only the token's SHA-256 is written; the token and the callback key are handed back
 * once to be shown to the operator, and no later command shows them again (the callback key is
 * stored, for the notifier to sign with, but `list` never shows it). The document is re-validated with the same schema the authorizer reads it with before
 * anything is written, so the tool can never store a registry the service would refuse.
 * The document lives behind `ClientRegistryStore`: Secrets Manager in AWS, a file in local mode.
 * Every edit is a read-modify-write that the store applies only if the document is still the version
 * read; when another edit came first, the change is applied again to the newer document.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type ClientRegistryDocument, ClientRegistryError, clientRegistryDocument } from "./client-registry";
import { hashToken } from "./hash-token";
import { SCOPES, type Scope } from "./scopes";

/** The document as stored (undefined when there is none yet) and the version it is at. */
export interface StoredRegistry {
  text: string | undefined;
  version: string | undefined;
}

/** Where the registry document is kept. */
export interface ClientRegistryStore {
  /** Says where, for messages (a secret id or a file path; never the content). */
  readonly location: string;
  read(): Promise<StoredRegistry>;
  /** Stores `documentText` if the document is still at `expected`; false when another edit came first. */
  replace(documentText: string, expected: StoredRegistry["version"]): Promise<boolean>;
}

/** Conflicts an edit retries before giving up (only a busy editor or a held lock gets near it). */
const EDIT_ATTEMPTS = 10;
const RETRY_PAUSE_MS = 20;

export interface ListedClient {
  name: string;
  scopes: Scope[];
  mass_offboard_limit?: number;
}

type Document = {
  clients: {
    name: string;
    token_sha256: string;
    scopes: Scope[];
    callback_key?: string;
    mass_offboard_limit?: number;
  }[];
};

/** What `add` hands back, once. */
export interface NewClientSecrets {
  token: string;
  callbackKey: string;
}

export class ClientRegistryEditor {
  constructor(
    private readonly store: ClientRegistryStore,
    private readonly newSecret: () => string = () => randomBytes(32).toString("base64url"),
  ) {}

  async list(): Promise<ListedClient[]> {
    const document = this.parse((await this.store.read()).text);
    return document.clients.map(({ name, scopes, mass_offboard_limit }) => ({
      name,
      scopes,
      ...(mass_offboard_limit === undefined ? {} : { mass_offboard_limit }),
    }));
  }

  /**
   * Registers `name` with `scopes` (and a mass-change limit, 0 = off); answers its new token (the
   * only time it exists in clear) and callback key.
   */
  async add(name: string, scopes: readonly string[], massOffboardLimit?: number): Promise<NewClientSecrets> {
    const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0)
      throw new ClientRegistryError(`Unknown scope(s): ${unknown.join(", ")} (known: ${SCOPES.join(", ")}).`);
    const token = this.newSecret();
    const callbackKey = this.newSecret();
    await this.edit((document) => {
      if (document.clients.some((client) => client.name === name))
        throw new ClientRegistryError(
          `A client named ${name} exists already: revoke it first to replace its token.`,
        );
      return {
        clients: [
          ...document.clients,
          {
            name,
            token_sha256: hashToken(token),
            scopes: scopes as Scope[],
            callback_key: callbackKey,
            ...(massOffboardLimit === undefined ? {} : { mass_offboard_limit: massOffboardLimit }),
          },
        ],
      };
    });
    return { token, callbackKey };
  }

  /**
   * Gives `name` a new callback key (or its first one); answers it. Callbacks are signed with it once
   * the notifier's secret cache expires.
   */
  async rotateCallbackKey(name: string): Promise<string> {
    const callbackKey = this.newSecret();
    await this.edit((document) => {
      if (!document.clients.some((client) => client.name === name)) throw this.noSuchClient(name);
      return {
        clients: document.clients.map((client) =>
          client.name === name ? { ...client, callback_key: callbackKey } : client,
        ),
      };
    });
    return callbackKey;
  }

  /** Removes `name`; its token stops working once the service's secret cache expires. */
  async revoke(name: string): Promise<void> {
    await this.edit((document) => {
      const kept = document.clients.filter((client) => client.name !== name);
      if (kept.length === document.clients.length) throw this.noSuchClient(name);
      return { clients: kept };
    });
  }

  /** Applies `change` to the stored document, again on the newer one whenever another edit came first. */
  private async edit(change: (document: Document) => Document): Promise<void> {
    for (let attempt = 1; attempt <= EDIT_ATTEMPTS; attempt++) {
      const stored = await this.store.read();
      const next = this.validate(change(this.parse(stored.text)));
      if (await this.store.replace(`${JSON.stringify(next, null, 2)}\n`, stored.version)) return;
      await sleep(RETRY_PAUSE_MS * attempt * Math.random());
    }
    throw new ClientRegistryError(
      `The client registry in ${this.store.location} kept changing during the edit; nothing was written by it, try again.`,
    );
  }

  private noSuchClient(name: string) {
    return new ClientRegistryError(`No client is named ${name} in ${this.store.location}.`);
  }

  private parse(text: string | undefined): Document {
    if (text === undefined || text.trim() === "") return { clients: [] };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ClientRegistryError(`The client registry in ${this.store.location} is not valid JSON.`);
    }
    return this.validate(value as ClientRegistryDocument);
  }

  private validate(document: ClientRegistryDocument): Document {
    const result = clientRegistryDocument.safeParse(document);
    if (result.success) return result.data;
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(document)"}: ${issue.message}`,
    );
    throw new ClientRegistryError(
      `The client registry in ${this.store.location} is invalid: ${problems.join("; ")}`,
    );
  }
}
