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
