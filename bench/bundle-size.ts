/**
 * Bundle size of every Lambda function, built with exactly the esbuild options the stack deploys with
 * (infra/lambda-bundling.ts): raw and gzip size of each `index.mjs`, and the five biggest inputs so a
 * regression points at its cause; and each bundle's init time, a fresh Node process importing it as
 * Lambda's runtime does (with the deployed NODE_OPTIONS). Run directly (`npx tsx bench/bundle-size.ts`)
 * to print both tables.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { FUNCTION_NAMES, type FunctionName, functionEntry } from "../infra/function-entries";
import { type BundleVariant, esbuildOptions } from "../infra/lambda-bundling";

export interface BundleSize {
  name: FunctionName;
  /** Bytes of the minified bundle (without its source map). */
  rawBytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  /** The inputs contributing most bytes to the bundle, biggest first. */
  largestInputs: Array<{ path: string; bytes: number }>;
  /** The repo's own modules in the bundle (repo-relative paths): what the function carries of ours. */
  ownModules: string[];
}

/** `variant`: the stack's default (no X-Ray tracing) unless told otherwise. */
export async function measureBundles(
  names: readonly FunctionName[] = FUNCTION_NAMES,
  variant: BundleVariant = {},
): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const name of names) {
    const result = await build({
      ...esbuildOptions(variant),
      entryPoints: { index: functionEntry(name) },
      outdir: `/virtual/${name}`,
      outExtension: { ".js": ".mjs" },
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles.find((file) => file.path.endsWith(".mjs"));
    const map = result.outputFiles.find((file) => file.path.endsWith(".mjs.map"));
    if (!code) throw new Error(`esbuild produced no bundle for ${name}`);
    sizes.push({
      name,
      rawBytes: code.contents.byteLength,
      gzipBytes: gzipSync(code.contents).byteLength,
      sourceMapBytes: map?.contents.byteLength ?? 0,
      largestInputs: largestInputs(result.metafile),
      ownModules: ownModules(result.metafile),
    });
  }
  return sizes;
}

function largestInputs(metafile: Metafile, count = 5): Array<{ path: string; bytes: number }> {
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  if (!output) return [];
  // Group by package (or by our own top-level folder) so the list names causes, not single files.
  const byOwner = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const owner = ownerOf(path);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + input.bytesInOutput);
  }
  return [...byOwner.entries()]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

function ownModules(metafile: Metafile): string[] {
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  return Object.keys(output?.inputs ?? {})
    .filter((path) => !path.includes("node_modules/"))
    .sort();
}

function ownerOf(path: string): string {
  const modules = path.lastIndexOf("node_modules/");
  if (modules === -1) return path.split("/").slice(0, 2).join("/");
  const rest = path.slice(modules + "node_modules/".length).split("/");
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path);
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatBundleSizes(sizes: readonly BundleSize[]): string {
  const header = ["function", "raw", "gzip", "source map", "largest inputs"];
  const rows = sizes.map((size) => [
    size.name,
    kib(size.rawBytes),
    kib(size.gzipBytes),
    kib(size.sourceMapBytes),
    size.largestInputs.map((input) => `${input.path} ${kib(input.bytes)}`).join(", "),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  "))
    .join("\n");
}

export interface InitTime {
  name: FunctionName;
  /** Milliseconds from `import()` of the bundle to its module having run, per run. */
  importMs: number[];
  /** Milliseconds from spawning the process to its exit (Node's own start included), per run. */
  processMs: number[];
}

const run = promisify(execFile);
/** What the child runs: the bundle's import, timed from inside (Lambda's init is this plus the runtime's). */
const IMPORT_TIMER =
  "const t = performance.now(); await import(process.env.BUNDLE_URL); process.stdout.write(String(performance.now() - t));";

/**
 * Builds each bundle to a temporary folder and imports it `runs` times, each time in a fresh Node
 * process (the functions in turn, so a burst of load elsewhere spreads over all of them).
 */
export async function measureInit(
  names: readonly FunctionName[] = FUNCTION_NAMES,
  { runs = 10, variant = {} }: { runs?: number; variant?: BundleVariant } = {},
): Promise<InitTime[]> {
  const dir = await mkdtemp(join(tmpdir(), "lifecycle-init-"));
  try {
    const times = new Map<FunctionName, InitTime>();
    for (const name of names) {
      await build({
        ...esbuildOptions(variant),
        entryPoints: { index: functionEntry(name) },
        outdir: join(dir, name),
        outExtension: { ".js": ".mjs" },
        logLevel: "silent",
      });
      times.set(name, { name, importMs: [], processMs: [] });
    }
    for (let i = 0; i < runs; i++)
      for (const name of names) {
        const started = performance.now();
        const { stdout } = await run(process.execPath, ["--input-type=module", "-e", IMPORT_TIMER], {
          env: {
            PATH: process.env.PATH ?? "",
            // As the stack deploys every function (infra/constructs/lifecycle-function.ts).
            NODE_OPTIONS: "--enable-source-maps",
            AWS_REGION: "us-east-1",
            BUNDLE_URL: `file://${join(dir, name, "index.mjs")}`,
          },
        });
        const time = times.get(name);
        time?.processMs.push(performance.now() - started);
        time?.importMs.push(Number(stdout));
      }
    return [...times.values()];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export function formatInitTimes(times: readonly InitTime[]): string {
  const ms = (values: readonly number[]) => `${median(values).toFixed(0)} ms`;
  const header = ["function", "import median", "min–max", "process median", "runs"];
  const rows = times.map((time) => [
    time.name,
    ms(time.importMs),
    `${Math.min(...time.importMs).toFixed(0)}–${Math.max(...time.importMs).toFixed(0)} ms`,
    ms(time.processMs),
    String(time.importMs.length),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  "))
    .join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatBundleSizes(await measureBundles()));
  console.log(`\n${formatInitTimes(await measureInit())}`);
}
