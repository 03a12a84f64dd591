import { defineConfig } from "vitest/config";

/**
 * Four groups (docs/testing.md). First every functional test, beside the unit group (the core over
 * in-memory ports: `npm run test:unit` runs it alone, without Java) and the docs group (which reads
 * files only). Then, alone, the tests that start local mode as a whole process tree, so the rest of
 * the suite cannot slow them down.
 */
const timingSensitive = ["test/e2e/**/*.test.ts"];
/** Tests of the repo's files themselves: they start no engine. */
const readsFilesOnly = ["test/docs/**/*.test.ts"];
/** The core over in-memory ports: no engine either. */
const unit = ["test/unit/**/*.test.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    // We run on Node 20 on purpose (Lambda runs 22): the SDK's notice about its future floor is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // Hang guards, not speed checks (tests assert outcomes, never durations): sized for this
    // 2-core machine shared with other builds, where load averages of 20-30 make everything 5-10x slower.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Keep the run's output readable for CI: a dot per test, a summary line at the end.
    reporters: process.env.CI ? ["dot"] : ["default"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: unit, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "functional",
          // One DynamoDB Local and one SQS server for this group (not at the root: vitest runs the root's
          // global setup as well, which would start a third pair that no test uses).
          globalSetup: ["test/support/global-setup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: [...timingSensitive, ...readsFilesOnly, ...unit],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "docs",
          include: readsFilesOnly,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "timing",
          // No global engines: each of these tests starts local mode, which starts its own.
          include: timingSensitive,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
