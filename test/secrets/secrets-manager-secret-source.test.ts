import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SecretReadError } from "../../shared/secrets/secret-source";
import { SecretsManagerSecretSource } from "../../shared/secrets/secrets-manager-secret-source";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dialpad-api-key-AbCdEf";
const secretsManager = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: "eu-west-1" });
const reads = () => secretsManager.commandCalls(GetSecretValueCommand).length;

beforeEach(() => {
  secretsManager.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("SecretsManagerSecretSource", () => {
  it("reads the secret by its ARN", async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: "key-v1" });
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 300 });
    expect(await source.get(ARN)).toBe("key-v1");
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
  });

  it("serves repeated reads within maxAge from its cache", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "key-v1" });
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 300 });
    await source.get(ARN);
    await source.get(ARN);
    await source.get(ARN);
    expect(reads()).toBe(1);
  });

  it("picks up a rotated value once maxAge has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "key-v1" })
      .resolves({ SecretString: "key-v2" });
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 300 });

    expect(await source.get(ARN)).toBe("key-v1");
    vi.setSystemTime(new Date("2030-01-01T00:04:59Z"));
    expect(await source.get(ARN)).toBe("key-v1");
    expect(reads()).toBe(1);
    vi.setSystemTime(new Date("2030-01-01T00:05:01Z"));
    expect(await source.get(ARN)).toBe("key-v2");
    expect(reads()).toBe(2);
  });

  it("re-reads at once with forceFetch, and caches the new value", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "key-v1" })
      .resolves({ SecretString: "key-v2" });
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 300 });
    expect(await source.get(ARN)).toBe("key-v1");
    expect(await source.get(ARN, { forceFetch: true })).toBe("key-v2");
    expect(await source.get(ARN)).toBe("key-v2");
    expect(reads()).toBe(2);
  });

  it("decodes a binary secret as UTF-8", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode("binary-key") });
    expect(await new SecretsManagerSecretSource({ client, maxAgeSeconds: 60 }).get(ARN)).toBe("binary-key");
  });

  it("wraps a failed read in a SecretReadError naming the secret", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the secret.", $metadata: {} }),
      );
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 60 });
    const error = await source.get(ARN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretReadError);
    expect((error as Error).message).toContain(ARN);
    expect((error as Error).cause).toBeDefined();
  });

  it("never puts the cached value in the error of a later failed forced read", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "super-secret-key-v1" })
      .rejects(new Error("throttled"));
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 60 });
    await source.get(ARN);
    const error = (await source.get(ARN, { forceFetch: true }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(SecretReadError);
    expect(`${error.message} ${String(error.cause)}`).not.toContain("super-secret-key-v1");
  });

  it("does not cache a failed read", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error("network"))
      .resolves({ SecretString: "key-v1" });
    const source = new SecretsManagerSecretSource({ client, maxAgeSeconds: 60 });
    await expect(source.get(ARN)).rejects.toThrow(SecretReadError);
    expect(await source.get(ARN)).toBe("key-v1");
  });
});
