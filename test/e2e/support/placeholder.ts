/**
 * Whether a function's entry is still the placeholder its owner has not replaced yet: tests of
 * behaviour that entry owns are skipped (visibly) until it lands, and run from then on.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export function isPlaceholderEntry(fn: "webhook" | "sweeper" | "reconciler"): boolean {
  const source = readFileSync(resolve(import.meta.dirname, `../../../functions/${fn}/handler.ts`), "utf8");
  return source.includes("Placeholder entry");
}
