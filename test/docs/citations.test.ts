/**
 * The repo is self-contained: every document that code or docs cite (a Markdown file by name, or
 * anything under the docs folder) exists in the repo, and the README stays a front door of at most
 * 15,000 bytes. Reads files only: no engines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".cache", "cdk.out", "dist", "coverage"]);
const README_LIMIT_BYTES = 15_000;

function repoFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : repoFiles(join(dir, entry.name));
    return [join(dir, entry.name)];
  });
}

// A citation starts after a character that cannot be part of a path, so a URL's tail never counts.
const MARKDOWN_NAME = /(?<![\w./-])((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*\.md)\b/g;
const DOCS_PATH = /(?<![\w./-])(docs\/[\w./-]*\w)/g;

/** Every citation in `text`, once each. */
function citationsIn(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of [MARKDOWN_NAME, DOCS_PATH])
    for (const match of text.matchAll(pattern)) if (match[1]) found.add(match[1]);
  return [...found];
}

const files = repoFiles();
const names = new Set(files.map((file) => basename(file)));
const insideRepo = (path: string) => path === ROOT || path.startsWith(ROOT + sep);

/** Whether `citation`, made in `file`, names a file of the repo. */
function resolves(citation: string, file: string): boolean {
  if (!citation.includes("/")) return names.has(citation) || existsSync(join(dirname(file), citation));
  return [resolve(dirname(file), citation), resolve(ROOT, citation)].some(
    (path) => insideRepo(path) && existsSync(path),
  );
}

describe("citations", () => {
  it("finds names, paths and docs links, and no URL's tail", () => {
    // Real documents, so this file passes its own check below.
    const text =
      "see docs/api.md#errors, (docs/testing.md), SOURCE.md, `local/sandbox/README.md`, https://a.co/b/X.md.";
    expect(citationsIn(text).sort()).toEqual(
      ["SOURCE.md", "docs/api.md", "docs/testing.md", "local/sandbox/README.md"].sort(),
    );
  });

  it("every document cited by code or docs exists in the repo", () => {
    const missing = files
      .filter((file) => file.endsWith(".ts") || file.endsWith(".md"))
      .flatMap((file) =>
        citationsIn(readFileSync(file, "utf8"))
          .filter((citation) => !resolves(citation, file))
          .map((citation) => `${relative(ROOT, file)} cites ${citation}`),
      );
    expect(missing).toEqual([]);
  });

  it(`README.md is at most ${README_LIMIT_BYTES} bytes`, () => {
    expect(statSync(join(ROOT, "README.md")).size).toBeLessThanOrEqual(README_LIMIT_BYTES);
  });
});
