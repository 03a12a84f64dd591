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

import { fileURLToPath } from "node:url";
import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/** ESM output still meets CommonJS dependencies that call `require`; give them one. */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __lifecycleCreateRequire } from 'node:module'; const require = __lifecycleCreateRequire(import.meta.url);";

/** The Lambda runtime the bundles target (Node 22, see docs/decisions.md). */
export const LAMBDA_NODE_TARGET = "node22";

/** Modules never bundled: none. An empty list overrides CDK's default of `@aws-sdk/*` (see above). */
export const EXTERNAL_MODULES: string[] = [];

const shim = (file: string) => fileURLToPath(new URL(`./lambda-shims/${file}`, import.meta.url));
const TRACER_OFF = shim("tracer-off.ts");

export interface BundleVariant {
  /** The stack's `xrayTracing`: without it the bundles carry no X-Ray SDK. @default false */
  tracing?: boolean;
}

/**
 * Modules replaced in the bundles: the SDK's default credential chain by its environment link, the
 * only one that answers inside Lambda; the SDK's event-stream codec, which none of our AWS calls
 * uses; and, in a stack without X-Ray tracing, Powertools' Tracer by a stand-in that is off, as the
 * real one would be (infra/lambda-shims/).
 */
export function bundleAliases(variant: BundleVariant = {}): Record<string, string> {
  return {
    "@aws-sdk/credential-provider-node": shim("credential-provider-env-only.ts"),
    "@smithy/core/event-streams": shim("no-event-streams.ts"),
    ...(variant.tracing
      ? {}
      : {
          "@aws-lambda-powertools/tracer": TRACER_OFF,
          "@aws-lambda-powertools/tracer/middleware": TRACER_OFF,
        }),
  };
}

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
export function cdkBundlingOptions(variant: BundleVariant = {}): BundlingOptions {
  return {
    target: shared.target,
    minify: shared.minify,
    sourceMap: shared.sourceMap,
    sourcesContent: shared.sourcesContent,
    banner: shared.banner,
    mainFields: [...shared.mainFields],
    externalModules: [...shared.externalModules],
    format: OutputFormat.ESM,
    // CDK hands each on to esbuild as `--alias:<module>=<path>`.
    esbuildArgs: Object.fromEntries(
      Object.entries(bundleAliases(variant)).map(([module, path]) => [`--alias:${module}`, path]),
    ),
  };
}

/** The same options for esbuild's `build()`, as CDK passes them on the command line. */
export function esbuildOptions(variant: BundleVariant = {}): BuildOptions {
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
    alias: bundleAliases(variant),
  };
}
