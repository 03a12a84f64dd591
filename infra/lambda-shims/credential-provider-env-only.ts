/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (infra/lambda-bundling.ts
 * aliases it here). Inside Lambda the runtime hands the function role's credentials over as
 * environment variables, so the SDK's default chain always ends at its first link there; the rest of
 * the chain (SSO, STS web identity, profiles, instance metadata) only made every bundle about 90 KiB
 * bigger and every cold start parse it. Local mode and the tests run from source with the full chain.
 */

interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The SDK clients' `credentialDefaultProvider`: the role's credentials, as the SDK's `fromEnv` reads them. */
export const defaultProvider = (_init?: unknown) => async (): Promise<EnvCredentials> => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION } =
    process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
    throw new Error("No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).");
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    ...(AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(AWS_CREDENTIAL_EXPIRATION) } : {}),
  };
};
