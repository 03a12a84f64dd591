/**
 * The single DynamoDB table's key schema, shared by the CDK stack, local mode and the tests so the
 * three can never disagree. Item layout (pk / sk):
 *   JOB#<job_id>          / JOB                      a lifecycle job and its step state
 *   PERSON#<email>        / PERSON                   a person's lifecycle record and lease
 *   PERSON#<email>        / HIST#<iso time>#<id>     one history entry of that person
 *   PERSON#<email>        / SCIM                     what an identity provider said of that person (SCIM)
 *   REQ#<client>#<key>    / REQ                      an API idempotency key → job (TTL)
 *   RATE#<limiter>        / STATE                    shared Dialpad rate budget (next free slot, 429 pause)
 *   GUARD#<client>        / OFFBOARDS                the mass-change guard's count of a client's recent offboards (TTL)
 *   SEATS#<office_id>     / SEATS                    shared reading of the office's free seats (TTL)
 *   OFFICES               / OFFICES                  the office list the worker read (GET /v1/offices)
 *   EVENT#<event key>     / EVENT                    a webhook event already applied (TTL)
 *   RECON#<report_id>     / REPORT                   a drift reconciliation report
 * GSI1 (sparse, two lists): the retention due list, gsi1pk = "RETENTION", gsi1sk =
 *   <delete_after iso>#<email>; and jobs whose message is not yet on a queue, gsi1pk = "UNSENT",
 *   gsi1sk = <created_at iso>#<job_id> (removed once sent; the sweeper re-sends what is left).
 * GSI2 (sparse, lookups): Dialpad user id → person, gsi2pk = "USER#<user_id>"; a person's
 *   jobs, gsi2pk = "JOBEMAIL#<email>", gsi2sk = <created_at iso>#<job_id>; a SCIM user by userName,
 *   gsi2pk = "SCIMNAME#<lower-case userName>", gsi2sk = "SCIM".
 * GSI3 (lists): every job, gsi3pk = "JOBS", gsi3sk = <created_at iso>#<job_id>; every person,
 *   gsi3pk = "PEOPLE", gsi3sk = <updated_at iso>#<email> (both read newest first); every SCIM user
 *   in a stable order, gsi3pk = "SCIM_USERS", gsi3sk = <SCIM id> (also the lookup by SCIM id).
 * GSI4 (sparse, lookups): a ticket's jobs, gsi4pk = "TICKET#<system>#<id>", gsi4sk =
 *   <created_at iso>#<job_id>; people under a legal hold, gsi4pk = "HELD", gsi4sk = <hold at>#<email>;
 *   a SCIM user by externalId, gsi4pk = "SCIMEXT#<externalId>", gsi4sk = "SCIM".
 * SCIM lookups overload these indexes rather than add new ones: CloudFormation adds one index per
 * stack update, so a new index would make the upgrade of a deployed stack a multi-step affair.
 */
export const TABLE_KEYS = {
  partitionKey: "pk",
  sortKey: "sk",
  timeToLive: "expires_at",
  retentionIndex: { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  userIdIndex: { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  listIndex: { name: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  lookupIndex: { name: "gsi4", partitionKey: "gsi4pk", sortKey: "gsi4sk" },
} as const;

/**
 * The SCIM item of a person and its index keys: a SCIM-deleted user keeps its item but loses the
 * index keys, so it is neither listed nor found (404) while our record keeps its retention.
 */
export const SCIM_USER_KEYS = {
  sortKey: "SCIM",
  /** gsi3pk: the stable list of SCIM users, sorted by SCIM id. */
  listPartition: "SCIM_USERS",
  /** gsi2pk: userName lookups, case-insensitive. */
  userName: (userName: string) => `SCIMNAME#${userName.toLowerCase()}`,
  /** gsi4pk: externalId lookups, exact (RFC 7643: caseExact). */
  externalId: (externalId: string) => `SCIMEXT#${externalId}`,
} as const;

/** Every secondary index of the table, for the stack and the local engines alike. */
export const SECONDARY_INDEXES = [
  TABLE_KEYS.retentionIndex,
  TABLE_KEYS.userIdIndex,
  TABLE_KEYS.listIndex,
  TABLE_KEYS.lookupIndex,
] as const;

/** CreateTable input for local engines (the CDK stack builds the same shape in infra/). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey } = TABLE_KEYS;
  const index = (spec: { name: string; partitionKey: string; sortKey: string }) => ({
    IndexName: spec.name,
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: "HASH" as const },
      { AttributeName: spec.sortKey, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [
      partitionKey,
      sortKey,
      ...SECONDARY_INDEXES.flatMap((spec) => [spec.partitionKey, spec.sortKey]),
    ].map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: "HASH" as const },
      { AttributeName: sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: SECONDARY_INDEXES.map(index),
  };
}

/**
 * SCIM groups and their memberships (see shared/scim/scim-group-store.ts). Item layout:
 *   SCIMGROUP#<id> / GROUP             the group (displayName, externalId, members)
 *   SCIMGROUP#<id> / MEMBER#<scim id>  one membership, for "the groups of a person"
 * Lookups overload the existing indexes (CloudFormation adds one index per stack update):
 *   gsi2: gsi2pk = "SCIMGROUPNAME#<lower-case displayName>", gsi2sk = "GROUP" (by displayName);
 *         gsi2pk = "SCIMMEMBER#<person's SCIM id>", gsi2sk = <group id> (a person's groups)
 *   gsi3: gsi3pk = "SCIM_GROUPS", gsi3sk = <group id> (the stable list)
 *   gsi4: gsi4pk = "SCIMEXT_GROUP#<externalId>", gsi4sk = "GROUP" (by externalId, exact)
 */
export const SCIM_GROUP_KEYS = {
  partition: (id: string) => `SCIMGROUP#${id}`,
  groupSortKey: "GROUP",
  memberSortKey: (memberId: string) => `MEMBER#${memberId}`,
  displayName: (displayName: string) => `SCIMGROUPNAME#${displayName.toLowerCase()}`,
  member: (memberId: string) => `SCIMMEMBER#${memberId}`,
  listPartition: "SCIM_GROUPS",
  externalId: (externalId: string) => `SCIMEXT_GROUP#${externalId}`,
} as const;
