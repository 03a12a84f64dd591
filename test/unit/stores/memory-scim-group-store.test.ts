/** The in-memory SCIM group store honours the contract (the same suite runs on DynamoDB Local in test/store). */
import { InMemoryScimGroupStore } from "../support/memory-scim-group-store";
import { scimGroupStoreContract } from "../support/scim-group-store-contract";

scimGroupStoreContract("in memory", () => new InMemoryScimGroupStore());
