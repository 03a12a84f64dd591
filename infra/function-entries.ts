/**
 * Every Lambda entry of the service, by name. The stack builds one function per entry (the worker
 * serves both queues from one function) and the bundle-size benchmark bundles the same list.
 */
import { fileURLToPath } from "node:url";

export const FUNCTION_NAMES = [
  "api",
  "authorizer",
  "webhook",
  "worker",
  "sweeper",
  "reconciler",
  "notifier",
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Each function's configured memory (MB), which also sets its CPU share and its price per second:
 * the stack configures the functions with these, and the cost benchmark prices their GB-seconds.
 */
export const FUNCTION_MEMORY_MB: Record<FunctionName, number> = {
  api: 512,
  authorizer: 256,
  webhook: 512,
  worker: 1024,
  sweeper: 512,
  reconciler: 1024,
  notifier: 256,
};

/** The repository root: infra/ sits directly under it. */
export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Absolute path of a function's entry file (`functions/<name>/handler.ts`, exporting `handler`). */
export function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}
