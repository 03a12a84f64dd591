/** The DynamoDB adapters honour the stores' contracts, the same suite the in-memory stores pass (test/unit). */
import { afterAll, beforeAll } from "vitest";
import { JOB_KINDS } from "../../shared/lifecycle/job-kinds";
import { DynamoJobStore } from "../../shared/store/job-store";
import { DynamoMassChangeCounter } from "../../shared/store/mass-change-counter-store";
import { DynamoPersonStore } from "../../shared/store/person-store";
import { DynamoScimGroupStore } from "../../shared/store/scim-group-store";
import { createTestTable, localDocumentClient } from "../support/aws";
import { scimGroupStoreContract } from "../unit/support/scim-group-store-contract";
import { storeContract } from "../unit/support/store-contract";

const doc = localDocumentClient();
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

storeContract("DynamoDB", () => ({
  jobs: new DynamoJobStore(doc, table.tableName, JOB_KINDS),
  people: new DynamoPersonStore(doc, table.tableName),
  massChange: new DynamoMassChangeCounter(doc, table.tableName),
}));

scimGroupStoreContract("DynamoDB", () => new DynamoScimGroupStore(doc, table.tableName));
