/**
 * SecretSource over values held in memory: local mode (values from env/.env) and tests.
 * `forceFetch` has nothing to re-read: the values are what the process was started with.
 */
import { SecretReadError, type SecretSource } from "./secret-source";

export class StaticSecretSource<Name extends string = string> implements SecretSource<Name> {
  readonly #values: ReadonlyMap<Name, string>;

  constructor(values: Partial<Record<Name, string | undefined>>) {
    this.#values = new Map(
      Object.entries(values).filter((entry): entry is [Name, string] => typeof entry[1] === "string"),
    );
  }

  async get(name: Name): Promise<string> {
    const value = this.#values.get(name);
    if (value === undefined) throw new SecretReadError(`Secret ${name} is not set.`);
    return value;
  }
}
