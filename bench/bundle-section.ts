/**
 * The bundle section of the report: sizes and init times from bench/bundle-size.ts (bundles as the
 * stack deploys them by default, without X-Ray tracing; the API and worker with tracing too). Loaded
 * last and lazily, because the bundling options pull in aws-cdk-lib, which must not count in the
 * pipeline's peak RSS.
 */
import { loadavg } from "node:os";

export async function bundleSizeSection(): Promise<string> {
  let module: typeof import("./bundle-size");
  try {
    module = await import("./bundle-size");
  } catch (error) {
    return `  (bench/bundle-size.ts could not be loaded: ${error instanceof Error ? error.message : String(error)})`;
  }
  const sizes = module.formatBundleSizes(await module.measureBundles());
  const traced = module.formatBundleSizes(await module.measureBundles(["api", "worker"], { tracing: true }));
  const load = loadavg()[0]?.toFixed(1);
  const init = module.formatInitTimes(await module.measureInit());
  return [
    "Stack default (xrayTracing off):",
    sizes,
    "",
    "With xrayTracing on (the X-Ray SDK bundled):",
    traced,
    "",
    `Init: a fresh Node process importing each bundle (NODE_OPTIONS=--enable-source-maps), 10 runs each; load average ${load} at the start:`,
    init,
  ].join("\n");
}
