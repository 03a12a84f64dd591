/**
 * A few lines of fetch for the sandbox tests (deliberately not the service's Dialpad client, which
 * is tested against the sandbox elsewhere): JSON in, status + JSON + headers out.
 */
import type { Sandbox } from "../../../local/sandbox/index";

export interface HttpAnswer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests.
export type Json = any;

export function dialpadHttp(sandbox: Sandbox, apiKey: string = sandbox.apiKey) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    init: RequestInit = {},
  ): Promise<HttpAnswer> => {
    const response = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      ...init,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    delete: (path: string, body?: unknown) => call("DELETE", path, body),
    call,
  };
}

export function controlHttp(sandbox: Sandbox) {
  const call = async (method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
    const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
    delete: (path: string) => call("DELETE", path),
  };
}

/** Polls until `probe` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** For tests whose subject is neither latency nor the rate limit: answer at once, never 429. */
export const FAST = {
  latencyMs: 0,
  jitterMs: 0,
  rateLimitPerSecond: 1_000_000,
  operationLimitPerMinute: 1_000_000,
} as const;
