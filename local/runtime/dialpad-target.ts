/**
 * Which Dialpad the worker talks to in local mode: the embedded sandbox (default; 20 req/s and
 * realistic latency, like the real company) or, when DIALPAD_BASE_URL is set, that
 * Dialpad-compatible server with DIALPAD_API_KEY (and then no sandbox is started).
 *
 * The change-log webhook is registered through the service's own Dialpad client
 * (`createWebhook` + `subscribeToChangelog`), so it works against any Dialpad-compatible server.
 * A server that is not on this machine cannot reach a loopback webhook URL, so registration is
 * skipped there rather than leaving a dead webhook in a real company.
 */
import { DialpadClient } from "../../shared/dialpad/client";
import { sandboxModesFromEnv, startSandbox } from "../sandbox/index";

export interface DialpadTarget {
  /** Up to and including /api/v2. */
  baseUrl: string;
  apiKey: string;
  /** The sandbox's root URL (control routes under /__sandbox/) when it is embedded. */
  sandboxUrl?: string;
  stop(): Promise<void>;
}

export interface DialpadTargetOptions {
  /** Set: use that server. Unset: start the sandbox. */
  baseUrl?: string;
  apiKey?: string;
  sandboxPort: number;
}

export async function startDialpadTarget(options: DialpadTargetOptions): Promise<DialpadTarget> {
  if (options.baseUrl) {
    if (!options.apiKey) throw new Error("DIALPAD_API_KEY is required when DIALPAD_BASE_URL is set");
    return { baseUrl: options.baseUrl, apiKey: options.apiKey, stop: async () => undefined };
  }
  // Defaults are the realistic ones: 20 req/s company-wide, ~150 ms per request.
  const sandbox = await startSandbox({
    port: options.sandboxPort,
    apiKey: options.apiKey,
    ...sandboxModesFromEnv(process.env),
  });
  return {
    baseUrl: sandbox.baseUrl,
    apiKey: sandbox.apiKey,
    sandboxUrl: sandbox.url,
    stop: () => sandbox.stop(),
  };
}

/** True when the server runs on this machine and can therefore deliver to a loopback webhook. */
export function canReachLocalWebhook(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

/** Creates a signed webhook for `hookUrl` and subscribes it to the user change log; answers its id. */
export async function registerChangeLogWebhook(
  target: Pick<DialpadTarget, "baseUrl" | "apiKey">,
  hookUrl: string,
  secret: string,
): Promise<string> {
  const client = new DialpadClient({
    baseUrl: target.baseUrl,
    apiKey: { get: async () => target.apiKey, refresh: async () => target.apiKey },
    timeoutMs: 5000,
    maxAttempts: 3,
  });
  const webhook = await client.createWebhook(hookUrl, secret);
  await client.subscribeToChangelog(webhook.id);
  return webhook.id;
}
