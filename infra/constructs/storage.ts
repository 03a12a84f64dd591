/**
 * The stateful half of the stack: the single DynamoDB table and the three secrets. Kept apart from the
 * stateless constructs so nothing here is replaced by a change to a function, a queue or the API.
 * The table's key schema comes from shared/store/table-definition.ts, the same definition local mode
 * uses. No secret value is written into the template: each secret starts as a generated placeholder
 * (or an empty document) and its description says how to set the real value.
 */
import { RemovalPolicy, SecretValue } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { SECONDARY_INDEXES, TABLE_KEYS } from "../../shared/store/table-definition";

/** The empty client list: parses, and lets nobody in until an operator adds clients. */
export const EMPTY_CLIENT_TOKENS_DOCUMENT = JSON.stringify({ clients: [] });

export class Storage extends Construct {
  readonly table: Table;
  readonly dialpadApiKeySecret: Secret;
  readonly webhookSecret: Secret;
  readonly clientTokensSecret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const { partitionKey, sortKey, timeToLive } = TABLE_KEYS;
    this.table = new Table(this, "Table", {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: timeToLive,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of SECONDARY_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.dialpadApiKeySecret = new Secret(this, "DialpadApiKey", {
      description:
        "Dialpad Admin API key (Company Admin). Starts as a random placeholder: set the real key with " +
        "`aws secretsmanager put-secret-value --secret-id <arn> --secret-string <key>`; a new value is " +
        "picked up within SECRET_CACHE_SECONDS, no deploy needed.",
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.webhookSecret = new Secret(this, "WebhookSecret", {
      description:
        'Dialpad webhook signing secret(s), JSON {"current":"...","previous":"..."}. "current" starts ' +
        "as a generated random value: register it with Dialpad (POST /webhooks secret). During rotation " +
        'put the new value in "current" and the old one in "previous" until Dialpad signs with the new one.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ previous: "" }),
        generateStringKey: "current",
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.clientTokensSecret = new Secret(this, "ClientTokens", {
      description:
        'API clients, JSON {"clients":[{"name":"servicenow","token_sha256":"<hex sha-256 of the bearer ' +
        'token>","scopes":["onboard","offboard","read"],"callback_key":"<key signing its callbacks>"}]}. ' +
        "Starts with no clients: add them with `npm run client-token -- add`. Only token hashes are " +
        "stored, never the tokens.",
      // Not a secret value: an empty list that grants nothing (and that the authorizer can parse).
      secretStringValue: SecretValue.unsafePlainText(EMPTY_CLIENT_TOKENS_DOCUMENT),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
