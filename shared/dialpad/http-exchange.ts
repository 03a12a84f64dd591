/**
 * One HTTP attempt against Dialpad: headers, JSON body, per-request timeout, and a classification
 * of what happened that the retry loop can act on. Knows nothing about retries, errors or schemas.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface ExchangeRequest {
  method: HttpMethod;
  url: string;
  apiKey: string;
  body?: unknown;
  timeoutMs: number;
}

export type ExchangeOutcome =
  | { type: "response"; status: number; headers: Headers; text: string }
  | { type: "timeout" }
  /**
   * `requestMayHaveBeenSent` is false only when the connection was never established (refused, DNS,
   * unreachable): then Dialpad cannot have seen the request and even a create is safe to repeat.
   */
  | { type: "network_error"; code: string; requestMayHaveBeenSent: boolean };

/** Error codes that mean no byte of the request reached Dialpad. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export async function exchange(fetchImpl: typeof fetch, request: ExchangeRequest): Promise<ExchangeOutcome> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${request.apiKey}`,
    Accept: "application/json",
  };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  // One signal for the whole exchange, body included: a server that sends headers then stalls
  // must time out too.
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetchImpl(request.url, { method: request.method, headers, body, signal });
    const text = await response.text();
    return { type: "response", status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted || isTimeoutError(error)) return { type: "timeout" };
    const code = networkErrorCode(error);
    return { type: "network_error", code, requestMayHaveBeenSent: !NOT_SENT_CODES.has(code) };
  }
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** undici wraps the socket error: `TypeError("fetch failed", { cause })`, cause possibly an AggregateError. */
function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; errors?: unknown[] }) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  const first = cause?.errors?.[0] as { code?: unknown } | undefined;
  if (typeof first?.code === "string") return first.code;
  return "UNKNOWN";
}
