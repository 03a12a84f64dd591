/**
 * One Secrets Manager secret as aws-sdk-client-mock answers it, with versions and staging labels
 * as Secrets Manager keeps them: GetSecretValue reads AWSCURRENT, PutSecretValue adds a version
 * (AWSCURRENT unless told other labels; a label moves to the new version), and
 * UpdateSecretVersionStage refuses to move a label whose current version is not RemoveFromVersionId.
 */
import { randomUUID } from "node:crypto";
import {
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { AwsClientStub } from "aws-sdk-client-mock";

export class VersionedSecret {
  readonly versions = new Map<string, string>();
  /** staging label → version id */
  readonly labels = new Map<string, string>();

  constructor(readonly secretId: string) {}

  current(): string | undefined {
    const id = this.labels.get("AWSCURRENT");
    return id === undefined ? undefined : this.versions.get(id);
  }

  /** Answers the secret's calls on `stub` (reset it first). */
  serve(stub: AwsClientStub<SecretsManagerClient>): void {
    const where = { SecretId: this.secretId };
    stub.on(GetSecretValueCommand, where).callsFake(() => {
      const id = this.labels.get("AWSCURRENT");
      if (id === undefined)
        throw new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          $metadata: {},
        });
      return { SecretString: this.versions.get(id), VersionId: id };
    });
    stub.on(PutSecretValueCommand, where).callsFake((input) => {
      const id = randomUUID();
      this.versions.set(id, input.SecretString ?? "");
      for (const label of input.VersionStages ?? ["AWSCURRENT"]) this.labels.set(label, id);
      return { VersionId: id };
    });
    stub.on(UpdateSecretVersionStageCommand, where).callsFake((input) => {
      const holder = this.labels.get(input.VersionStage);
      if (holder !== undefined && holder !== input.MoveToVersionId && holder !== input.RemoveFromVersionId)
        throw new InvalidParameterException({
          message: `The staging label ${input.VersionStage} is attached to another version.`,
          $metadata: {},
        });
      if (input.MoveToVersionId === undefined) this.labels.delete(input.VersionStage);
      else this.labels.set(input.VersionStage, input.MoveToVersionId);
      return {};
    });
  }
}
