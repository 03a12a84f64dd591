/** The in-memory stores honour the stores' contract (the same suite runs on DynamoDB Local in test/store). */
import { InMemoryJobStore } from "../support/memory-job-store";
import { InMemoryMassChangeCounter } from "../support/memory-mass-change-counter";
import { InMemoryPersonStore } from "../support/memory-person-store";
import { storeContract } from "../support/store-contract";

storeContract("in memory", () => ({
  jobs: new InMemoryJobStore(),
  people: new InMemoryPersonStore(),
  massChange: new InMemoryMassChangeCounter(),
}));
