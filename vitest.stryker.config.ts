import { defineConfig } from "vitest/config";

/**
 * The unit group alone (no engines, no Java), for mutation testing (stryker.config.mjs): Stryker
 * runs the tests that cover each mutant many times over, so only the fast in-memory layer takes part.
 * The model-based properties run fewer sequences here than in `npm run test:unit`.
 */
export default defineConfig({
  test: {
    pool: "forks",
    include: ["test/unit/**/*.test.ts"],
    // That file checks the model-based tests themselves (a broken guard is found), not the code.
    exclude: ["test/unit/invariants/broken-guard.test.ts"],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", INVARIANT_RUNS: "25" },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
