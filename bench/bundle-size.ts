/**
 * Bundle size of every Lambda function, built with exactly the esbuild options the stack deploys with
 * (infra/lambda-bundling.ts): raw and gzip size of each `index.mjs`, and the five biggest inputs so a
 * regression points at its cause. Run directly (`npx tsx bench/bundle-size.ts`) to print the table.
 */
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { FUNCTION_NAMES, type FunctionName, functionEntry } from "../infra/function-entries";
import { esbuildOptions } from "../infra/lambda-bundling";

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

export async function measureBundles(names: readonly FunctionName[] = FUNCTION_NAMES): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const name of names) {
    const result = await build({
      ...esbuildOptions(),
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

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatBundleSizes(await measureBundles()));
}
