/**
 * No import cycles in the source folders, type-only imports included (a type cycle is a design
 * cycle: contracts sit below the modules that implement them). The graph is read with TypeScript's
 * own scanner and module resolution (the repo's tsconfig): every
 * `import`, `import type`, `export … from` and dynamic `import()` is an edge. Reads files only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SOURCE_FOLDERS = ["shared", "functions", "infra", "local"];

type Graph = ReadonlyMap<string, readonly string[]>;

/** The module specifiers a file names: imports and re-exports, type-only ones included. */
function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** Every cycle of the graph (its strongly connected components of more than one module, or a self-import). */
function cyclesIn(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The repo's own modules each source file imports, by repo-relative path; and what did not resolve. */
function repoImportGraph(): { graph: Map<string, string[]>; unresolved: string[] } {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
    const targets: string[] = [];
    for (const specifier of specifiersOf(readFileSync(file, "utf8"))) {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
      const ours = specifier.startsWith(".");
      if (!resolved) {
        if (ours) unresolved.push(`${relative(ROOT, file)} → ${specifier}`);
        continue;
      }
      if (resolved.isExternalLibraryImport || resolved.resolvedFileName.includes("/node_modules/")) continue;
      targets.push(relative(ROOT, resolved.resolvedFileName));
    }
    graph.set(relative(ROOT, file), targets);
  }
  return { graph, unresolved };
}

describe("the cycle check", () => {
  it("counts type-only imports, re-exports and dynamic imports as edges", () => {
    const text = [
      'import type { Job } from "./model";',
      'import { type Lane, laneOf } from "./ports";',
      'export { stepsOf } from "./steps";',
      'export type { Clock } from "./clock";',
      'const later = await import("./late");',
    ].join("\n");
    expect(specifiersOf(text)).toEqual(["./model", "./ports", "./steps", "./clock", "./late"]);
  });

  it("finds a cycle, however long, and a self-import", () => {
    const graph = new Map([
      ["ports.ts", ["job-kinds.ts"]],
      ["job-kinds.ts", ["onboard.ts"]],
      ["onboard.ts", ["steps.ts"]],
      ["steps.ts", ["ports.ts", "model.ts"]],
      ["model.ts", []],
      ["self.ts", ["self.ts"]],
    ]);
    expect(cyclesIn(graph)).toEqual([["job-kinds.ts", "onboard.ts", "ports.ts", "steps.ts"], ["self.ts"]]);
    expect(cyclesIn(new Map([...graph, ["steps.ts", ["model.ts"]]]))).toEqual([["self.ts"]]);
  });
});

describe(`the source folders (${SOURCE_FOLDERS.join(", ")})`, () => {
  const { graph, unresolved } = repoImportGraph();

  it("resolve every import of our own modules, type-only ones included", () => {
    expect(unresolved).toEqual([]);
    // A type-only edge is in the graph (a check that dropped them would find fewer cycles).
    expect(graph.get("shared/lifecycle/job-intake.ts")).toContain("shared/lifecycle/job-kind.ts");
  });

  it("have no import cycle", () => {
    expect(cyclesIn(graph)).toEqual([]);
  });
});
