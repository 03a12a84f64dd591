import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig, secretSettings } from "../../shared/config";
import { appSecretSource, requireSecrets } from "../../shared/secrets/app-secrets";
import { apiKeyFromSecretValue, SecretApiKeyProvider } from "../../shared/secrets/secret-api-key-provider";
import { SecretReadError, type SecretSource } from "../../shared/secrets/secret-source";
import { StaticSecretSource } from "../../shared/secrets/static-secret-source";

const KEY_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dialpad-api-key-AbCdEf";
const secretsManager = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: "eu-west-1" });

beforeEach(() => {
  secretsManager.reset();
});

describe("appSecretSource", () => {
  it("reads a secret from Secrets Manager when its ARN is set, cached for SECRET_CACHE_SECONDS", async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: KEY_ARN }).resolves({ SecretString: "aws-key" });
    const settings = loadConfig(secretSettings, {
      DIALPAD_API_KEY_SECRET_ARN: KEY_ARN,
      SECRET_CACHE_SECONDS: "120",
    });
    const secrets = appSecretSource(settings, { secretsManagerClient: client });
    expect(await secrets.get("dialpad_api_key")).toBe("aws-key");
    expect(await secrets.get("dialpad_api_key")).toBe("aws-key");
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("prefers the ARN over a local value when both are set", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "aws-key" });
    const settings = loadConfig(secretSettings, {
      DIALPAD_API_KEY_SECRET_ARN: KEY_ARN,
      DIALPAD_API_KEY: "local-key",
    });
    expect(await appSecretSource(settings, { secretsManagerClient: client }).get("dialpad_api_key")).toBe(
      "aws-key",
    );
  });

  it("serves local values without calling AWS", async () => {
    const settings = loadConfig(secretSettings, {
      DIALPAD_API_KEY: "local-key",
      DIALPAD_WEBHOOK_SECRET: "hook-secret",
      CLIENT_TOKENS: '{"clients":[]}',
    });
    const secrets = appSecretSource(settings, { secretsManagerClient: client });
    expect(await secrets.get("dialpad_api_key")).toBe("local-key");
    expect(await secrets.get("webhook_secret")).toBe("hook-secret");
    expect(await secrets.get("client_tokens")).toBe('{"clients":[]}');
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it("names both settings when a secret is not configured", async () => {
    const secrets = appSecretSource(loadConfig(secretSettings, {}));
    await expect(secrets.get("webhook_secret")).rejects.toThrow(
      /WEBHOOK_SECRET_ARN \(AWS\) or DIALPAD_WEBHOOK_SECRET/,
    );
  });
});

describe("requireSecrets", () => {
  it("passes when every needed secret has an ARN or a value", () => {
    const settings = loadConfig(secretSettings, { DIALPAD_API_KEY: "k", CLIENT_TOKENS_SECRET_ARN: "arn:x" });
    expect(() => requireSecrets(settings, ["dialpad_api_key", "client_tokens"])).not.toThrow();
  });

  it("lists every missing secret in one ConfigError", () => {
    const settings = loadConfig(secretSettings, { DIALPAD_API_KEY: "k" });
    expect(() => requireSecrets(settings, ["dialpad_api_key", "webhook_secret", "client_tokens"])).toThrow(
      new ConfigError(
        "Missing secret configuration: set WEBHOOK_SECRET_ARN (AWS) or DIALPAD_WEBHOOK_SECRET (local mode); CLIENT_TOKENS_SECRET_ARN (AWS) or CLIENT_TOKENS (local mode).",
      ),
    );
  });
});

describe("StaticSecretSource", () => {
  it("serves its values and refuses unknown names", async () => {
    const secrets = new StaticSecretSource<"a" | "b">({ a: "1", b: undefined });
    expect(await secrets.get("a")).toBe("1");
    await expect(secrets.get("b")).rejects.toThrow(SecretReadError);
  });
});

describe("SecretApiKeyProvider", () => {
  it("serves the key from the cached secret and force-reads it on refresh (after a Dialpad 401)", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "key-v1" })
      .resolves({ SecretString: "key-v2" });
    const secrets = appSecretSource(loadConfig(secretSettings, { DIALPAD_API_KEY_SECRET_ARN: KEY_ARN }), {
      secretsManagerClient: client,
    });
    const keys = new SecretApiKeyProvider(secrets, "dialpad_api_key");
    expect(await keys.get()).toBe("key-v1");
    expect(await keys.get()).toBe("key-v1");
    expect(await keys.refresh()).toBe("key-v2");
    expect(await keys.get()).toBe("key-v2");
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("shares one forced read between refreshes that happen together", async () => {
    const read = vi.fn<SecretSource<"k">["get"]>(async () => "key-v2");
    const keys = new SecretApiKeyProvider({ get: read }, "k");
    const refreshed = await Promise.all([keys.refresh(), keys.refresh(), keys.refresh()]);
    expect(refreshed).toEqual(["key-v2", "key-v2", "key-v2"]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith("k", { forceFetch: true });
    // A later refresh reads again.
    await keys.refresh();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("starts a new read after a failed refresh", async () => {
    const read = vi
      .fn<SecretSource<"k">["get"]>()
      .mockRejectedValueOnce(new SecretReadError("down"))
      .mockResolvedValue("key-v3");
    const keys = new SecretApiKeyProvider({ get: read }, "k");
    await expect(keys.refresh()).rejects.toThrow("down");
    expect(await keys.refresh()).toBe("key-v3");
  });
});

describe("apiKeyFromSecretValue", () => {
  it("accepts the bare key, trimmed", () => {
    expect(apiKeyFromSecretValue("  dp_key_123\n")).toBe("dp_key_123");
  });

  it('accepts the console\'s key/value form {"api_key": ...}', () => {
    expect(apiKeyFromSecretValue('{"api_key": "dp_key_123"}')).toBe("dp_key_123");
  });

  it.each([
    ["empty", "  "],
    ["JSON without api_key", '{"key": "dp_key_secret_value"}'],
    ["broken JSON", '{"api_key": "dp_key_secret_value"'],
    ["an empty api_key", '{"api_key": ""}'],
  ])("refuses a secret that is %s without quoting it", (_label, value) => {
    let error: unknown;
    try {
      apiKeyFromSecretValue(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretReadError);
    expect((error as Error).message).not.toContain("dp_key_secret_value");
  });
});
