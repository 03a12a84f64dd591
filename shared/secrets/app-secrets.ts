/**
 * The service's secrets by logical name, wherever they live: each is read from Secrets
 * Manager when its ARN setting is set (AWS) and from its value setting otherwise (local mode), per
 * shared/config.ts `secretSettings`. Callers ask for `dialpad_api_key`, never for an ARN, so the
 * same code runs in both modes.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type * as z from "zod";
import { ConfigError, type secretSettings } from "../config";
import type { SecretReadOptions, SecretSource } from "./secret-source";
import { SecretsManagerSecretSource } from "./secrets-manager-secret-source";

export type SecretSettings = z.output<typeof secretSettings>;

type ArnSetting = "DIALPAD_API_KEY_SECRET_ARN" | "WEBHOOK_SECRET_ARN" | "CLIENT_TOKENS_SECRET_ARN";
type ValueSetting = "DIALPAD_API_KEY" | "DIALPAD_WEBHOOK_SECRET" | "CLIENT_TOKENS";

export const APP_SECRETS = {
  dialpad_api_key: { arn: "DIALPAD_API_KEY_SECRET_ARN", value: "DIALPAD_API_KEY" },
  webhook_secret: { arn: "WEBHOOK_SECRET_ARN", value: "DIALPAD_WEBHOOK_SECRET" },
  client_tokens: { arn: "CLIENT_TOKENS_SECRET_ARN", value: "CLIENT_TOKENS" },
} as const satisfies Record<string, { arn: ArnSetting; value: ValueSetting }>;
export type AppSecretName = keyof typeof APP_SECRETS;

/**
 * Fails at cold start (ConfigError) when a secret the function needs has neither setting, instead
 * of on the first request.
 */
export function requireSecrets(settings: SecretSettings, names: readonly AppSecretName[]): void {
  const missing = names
    .map((name) => APP_SECRETS[name])
    .filter((spec) => !settings[spec.arn] && settings[spec.value] === undefined)
    .map((spec) => `${spec.arn} (AWS) or ${spec.value} (local mode)`);
  if (missing.length > 0) throw new ConfigError(`Missing secret configuration: set ${missing.join("; ")}.`);
}

export interface AppSecretSourceOptions {
  /** The Secrets Manager client to use; built lazily (once) when a secret has an ARN. */
  secretsManagerClient?: SecretsManagerClient;
}

export function appSecretSource(
  settings: SecretSettings,
  { secretsManagerClient }: AppSecretSourceOptions = {},
): SecretSource<AppSecretName> {
  let secretsManager: SecretSource | undefined;
  return {
    async get(name: AppSecretName, options?: SecretReadOptions): Promise<string> {
      const spec = APP_SECRETS[name];
      const arn = settings[spec.arn];
      if (arn) {
        secretsManager ??= new SecretsManagerSecretSource({
          client: secretsManagerClient,
          maxAgeSeconds: settings.SECRET_CACHE_SECONDS,
        });
        return secretsManager.get(arn, options);
      }
      const value = settings[spec.value];
      if (value !== undefined) return value;
      throw new ConfigError(
        `Missing secret configuration: set ${spec.arn} (AWS) or ${spec.value} (local mode).`,
      );
    },
  };
}
