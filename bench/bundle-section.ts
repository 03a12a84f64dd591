/**
 * The bundle-size section of the report: calls the infra engineer's `measureBundles()` in
 * bench/bundle-size.ts when it is there, and prints its figures. Loaded last and lazily, because
 * the bundling options pull in aws-cdk-lib, which must not count in the pipeline's peak RSS.
 */

interface BundleSizeModule {
  measureBundles?: () => Promise<unknown[]>;
  formatBundleSizes?: (sizes: never[]) => string;
}

export async function bundleSizeSection(): Promise<string> {
  let module: BundleSizeModule;
  try {
    module = (await import("./bundle-size")) as BundleSizeModule;
  } catch (error) {
    return `  (bench/bundle-size.ts could not be loaded: ${error instanceof Error ? error.message : String(error)})`;
  }
  if (!module.measureBundles) return "  (bench/bundle-size.ts has no measureBundles(): skipped)";
  const sizes = await module.measureBundles();
  if (module.formatBundleSizes) return module.formatBundleSizes(sizes as never[]);
  return JSON.stringify(sizes, null, 2);
}
