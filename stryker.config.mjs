/**
 * Mutation testing of the safety-critical modules (docs/testing.md "Mutation testing"):
 * `npm run test:mutation`. Not part of `npm test`: it runs the unit group once per mutant.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "shared/lifecycle/lifecycle-policy.ts",
    "shared/lifecycle/intake-policy.ts",
    "shared/lifecycle/delete.ts",
    "shared/lifecycle/offboard.ts",
    "shared/lifecycle/number-handoff.ts",
    "shared/lifecycle/authority.ts",
    "shared/auth/request-authority.ts",
    "shared/retention/approve-deletion.ts",
    "shared/retention/legal-hold.ts",
  ],
  // Message and detail texts (error messages, history and step details) are not behaviour: their
  // mutants are left out (docs/testing.md says why, and what that leaves unchecked).
  mutator: { excludedMutations: ["StringLiteral"] },
  coverageAnalysis: "perTest",
  // A mutant of a module-level constant would need the whole group per mutant; those constants are data.
  ignoreStatic: true,
  // The machine is shared: two test processes at most (STRYKER_CONCURRENCY=1 for one).
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 60_000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Engine caches and build output are not needed by the unit group (and .cache holds a link to a folder).
  ignorePatterns: [".cache", "cdk.out", "dist"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
