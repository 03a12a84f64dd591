/**
 * The bundling contract: the CDK construct and the bundle-size benchmark use the same esbuild options,
 * and the benchmark reports real, gzip-compressible ESM bundles.
 */
import { OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { describe, expect, it } from "vitest";
import { formatBundleSizes, measureBundles } from "../../bench/bundle-size";
import { CREATE_REQUIRE_BANNER, cdkBundlingOptions, esbuildOptions } from "../../infra/lambda-bundling";

describe("bundling options", () => {
  it("are the same for the stack and for the benchmark", () => {
    const cdk = cdkBundlingOptions();
    const esbuild = esbuildOptions();
    expect(cdk.format).toBe(OutputFormat.ESM);
    expect(esbuild.format).toBe("esm");
    expect(esbuild.target).toBe(cdk.target);
    expect(esbuild.target).toBe("node22");
    expect(esbuild.minify).toBe(cdk.minify);
    expect(esbuild.sourcemap).toBe(cdk.sourceMap);
    expect(esbuild.sourcesContent).toBe(cdk.sourcesContent);
    expect(esbuild.banner).toEqual({ js: cdk.banner });
    expect(esbuild.mainFields).toEqual(cdk.mainFields);
    expect(esbuild.external).toEqual(cdk.externalModules);
    for (const tracing of [false, true]) {
      const aliases = esbuildOptions({ tracing }).alias ?? {};
      expect(cdkBundlingOptions({ tracing }).esbuildArgs).toEqual(
        Object.fromEntries(Object.entries(aliases).map(([module, path]) => [`--alias:${module}`, path])),
      );
    }
  });

  it("bundle the AWS SDK instead of leaving it to the runtime", () => {
    expect(cdkBundlingOptions().externalModules).toEqual([]);
  });
});

describe("measureBundles", () => {
  it("bundles an entry with the shared options and reports raw, gzip and source map sizes", async () => {
    const [size] = await measureBundles(["sweeper"]);
    expect(size?.name).toBe("sweeper");
    expect(size?.rawBytes).toBeGreaterThan(CREATE_REQUIRE_BANNER.length);
    expect(size?.gzipBytes).toBeGreaterThan(0);
    expect(size?.sourceMapBytes).toBeGreaterThan(0);
    expect(size?.largestInputs.length).toBeGreaterThan(0);
    expect(formatBundleSizes(size ? [size] : [])).toMatch(/^function\s+raw\s+gzip[\s\S]*\nsweeper\s+\d/);
  });
});

describe("what each function carries", () => {
  // The step machine and the kinds that run on it: only the functions that take jobs in or run them.
  const STEP_MACHINE = [
    "shared/lifecycle/steps.ts",
    "shared/lifecycle/job-kinds.ts",
    "shared/lifecycle/run-job.ts",
  ];
  const carried = (modules: readonly string[]) => modules.filter((path) => STEP_MACHINE.includes(path));

  it("the webhook, authorizer and notifier bundles hold no step machine; the worker's does", async () => {
    const sizes = await measureBundles(["webhook", "authorizer", "notifier", "worker"]);
    const byName = Object.fromEntries(sizes.map((size) => [size.name, carried(size.ownModules)]));
    expect(byName).toEqual({ webhook: [], authorizer: [], notifier: [], worker: [...STEP_MACHINE].sort() });
  });
});
