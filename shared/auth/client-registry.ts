/**
 * The registry of API clients, read from a JSON document kept in a secret:
 * `{"clients": [{"name": "servicenow", "token_sha256": "<hex>", "scopes": ["onboard", "read"],
 * "callback_key": "<key>"}]}`. `callback_key` signs the client's job-finished callbacks
 * (shared/notify/callback-signature.ts); a client without one gets no callbacks. An optional
 * `mass_offboard_limit` sets the client's mass-change guard (shared/lifecycle/mass-change-guard.ts).
 * Parsing fails loudly on any mistake (duplicate names or digests, unknown scopes) because a
 * half-read registry would lock clients out or, worse, grant the wrong scopes. Error messages name
 * the bad field, never the document's content.
 */
import * as z from "zod";
import { SCOPES, type Scope } from "./scopes";

export const MAX_MASS_OFFBOARD_LIMIT = 1000;

const clientEntry = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "Expected 1-64 letters, digits, '_', '.' or '-'."),
  token_sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "Expected 64 hex characters (hashToken(token)).")
    .transform((hex) => hex.toLowerCase()),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1, "A client needs at least one scope.")
    .refine((scopes) => new Set(scopes).size === scopes.length, "Scopes are listed twice."),
  callback_key: z
    .string()
    .regex(/^[\x21-\x7e]{16,128}$/, "Expected 16-128 printable characters without spaces.")
    .optional(),
  /** Offboards within 15 minutes before the next are held (the mass-change guard); 0 = off. */
  mass_offboard_limit: z.number().int().min(0).max(MAX_MASS_OFFBOARD_LIMIT).optional(),
});

export const clientRegistryDocument = z
  .strictObject({ clients: z.array(clientEntry) })
  .superRefine(({ clients }, ctx) => {
    const names = new Set<string>();
    const digests = new Set<string>();
    const callbackKeys = new Set<string>();
    clients.forEach((client, index) => {
      if (client.callback_key !== undefined) {
        if (callbackKeys.has(client.callback_key))
          ctx.addIssue({
            code: "custom",
            path: ["clients", index, "callback_key"],
            message: "Two clients share a callback key.",
          });
        callbackKeys.add(client.callback_key);
      }
      if (names.has(client.name))
        ctx.addIssue({ code: "custom", path: ["clients", index, "name"], message: "Duplicate name." });
      if (digests.has(client.token_sha256)) {
        ctx.addIssue({
          code: "custom",
          path: ["clients", index, "token_sha256"],
          message: "Two clients share a token.",
        });
      }
      names.add(client.name);
      digests.add(client.token_sha256);
    });
  });
export type ClientRegistryDocument = z.input<typeof clientRegistryDocument>;

export interface RegisteredClient {
  name: string;
  /** The 32-byte SHA-256 of the client's token. */
  digest: Buffer;
  scopes: Scope[];
  /** Signs the client's callbacks; absent for a client registered before callback keys. */
  callbackKey?: string;
  massOffboardLimit?: number;
}

export interface ClientRegistry {
  clients: readonly RegisteredClient[];
}

export class ClientRegistryError extends Error {
  override name = "ClientRegistryError";
}

export function parseClientRegistry(documentText: string): ClientRegistry {
  let value: unknown;
  try {
    value = JSON.parse(documentText);
  } catch {
    // JSON.parse's message quotes the text, which holds the digests: say only what is wrong.
    throw new ClientRegistryError("The client-token document is not valid JSON.");
  }
  const result = clientRegistryDocument.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(document)"}: ${issue.message}`,
    );
    throw new ClientRegistryError(`The client-token document is invalid: ${problems.join("; ")}`);
  }
  return {
    clients: result.data.clients.map((client) => ({
      name: client.name,
      digest: Buffer.from(client.token_sha256, "hex"),
      scopes: client.scopes,
      ...(client.callback_key ? { callbackKey: client.callback_key } : {}),
      ...(client.mass_offboard_limit === undefined ? {} : { massOffboardLimit: client.mass_offboard_limit }),
    })),
  };
}
