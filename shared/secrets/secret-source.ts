/**
 * The port through which code reads secrets (the Dialpad API key, the webhook secret, the client
 * token registry). Adapters: Secrets Manager with a short cache in AWS, plain values in local mode.
 * Errors name the secret, never its value.
 */
export interface SecretReadOptions {
  /** Bypass the cache and read the current value (after the value was refused, e.g. a Dialpad 401). */
  forceFetch?: boolean;
}

export interface SecretSource<Name extends string = string> {
  get(name: Name, options?: SecretReadOptions): Promise<string>;
}

/** The secret could not be read (missing, access denied, service down); `cause` holds the SDK error. */
export class SecretReadError extends Error {
  override name = "SecretReadError";
}
