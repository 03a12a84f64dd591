/**
 * `npm run build`: bundles every Lambda entry into `dist/<function>/index.mjs` (with its source
 * map) using the very esbuild options the stack deploys with (infra/lambda-bundling.ts), so the
 * output is what `cdk deploy` would upload. Prints each bundle's size.
 */
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { FUNCTION_NAMES, functionEntry, PROJECT_ROOT } from "./function-entries";
import { esbuildOptions } from "./lambda-bundling";

const OUT_DIR = join(PROJECT_ROOT, "dist");

rmSync(OUT_DIR, { recursive: true, force: true });
for (const name of FUNCTION_NAMES) {
  const outdir = join(OUT_DIR, name);
  await build({
    ...esbuildOptions(),
    entryPoints: { index: functionEntry(name) },
    outdir,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  const kib = (statSync(join(outdir, "index.mjs")).size / 1024).toFixed(1);
  console.log(`dist/${name}/index.mjs  ${kib} KiB`);
}
