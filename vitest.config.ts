import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One DynamoDB Local and one SQS server for the whole run; each test file makes its own table/queues.
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Keep the run's output readable for CI: a dot per test, a summary line at the end.
    reporters: process.env.CI ? ["dot"] : ["default"],
  },
});
