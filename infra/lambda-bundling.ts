/**
 * The one definition of how a Lambda entry is bundled, shared by the `LifecycleFunction` construct
 * (through CDK's NodejsFunction options) and `bench/bundle-size.ts` (through esbuild directly), so the
 * sizes the benchmark reports are the sizes that ship.
 *
 * The AWS SDK v3 is bundled, not left external: package.json pins exact SDK versions and the tests
 * run against them, while the SDK inside the Node 22 runtime moves with AWS's release train. Bundling
 * makes the deployed code the tested code; minified, tree-shaken ESM of just the clients we use also
 * loads no slower than resolving the runtime's full node_modules copy.
 */

import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/** ESM output still meets CommonJS dependencies that call `require`; give them one. */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __lifecycleCreateRequire } from 'node:module'; const require = __lifecycleCreateRequire(import.meta.url);";

/** The Lambda runtime the bundles target (Node 22, see docs/decisions.md). */
export const LAMBDA_NODE_TARGET = "node22";

/** Modules never bundled: none. An empty list overrides CDK's default of `@aws-sdk/*` (see above). */
export const EXTERNAL_MODULES: string[] = [];

const shared = {
  target: LAMBDA_NODE_TARGET,
  minify: true,
  sourceMap: true,
  /** Stack traces map to file/line without shipping the sources themselves. */
  sourcesContent: false,
  banner: CREATE_REQUIRE_BANNER,
  /** Prefer packages' ESM builds so esbuild can tree-shake them. */
  mainFields: ["module", "main"],
  externalModules: EXTERNAL_MODULES,
} as const;

/** Options for CDK's NodejsFunction. */
export function cdkBundlingOptions(): BundlingOptions {
  return {
    target: shared.target,
    minify: shared.minify,
    sourceMap: shared.sourceMap,
    sourcesContent: shared.sourcesContent,
    banner: shared.banner,
    mainFields: [...shared.mainFields],
    externalModules: [...shared.externalModules],
    format: OutputFormat.ESM,
  };
}

/** The same options for esbuild's `build()`, as CDK passes them on the command line. */
export function esbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: "node",
    format: "esm",
    target: shared.target,
    minify: shared.minify,
    sourcemap: shared.sourceMap,
    sourcesContent: shared.sourcesContent,
    banner: { js: shared.banner },
    mainFields: [...shared.mainFields],
    external: [...shared.externalModules],
  };
}
