/**
 * What every /api/v2 request goes through, in Dialpad's order as seen from a client: it is
 * counted on arrival, the neighbour's requests due by then are spent, the company-wide rate limit
 * (429, Retry-After: 1) or the operation's per-minute limit (429, Retry-After: seconds until a slot
 * frees) may refuse it, an injected
 * fault may take it over (5xx, hang, 429 burst), then the bearer key is checked and the route
 * runs. Every answer leaves after the simulated latency; the domain work itself is done at once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SandboxError } from "../domain/sandbox-error";
import type { FaultInjector } from "../traffic/faults";
import { retryAfterHeader } from "../traffic/faults";
import { type Latency, sleep } from "../traffic/latency";
import type { NeighbourTraffic } from "../traffic/neighbour";
import type { OperationRateLimit } from "../traffic/operation-limit";
import type { CompanyRateLimit } from "../traffic/rate-limiter";
import type { RequestLogEntry, TrafficStats } from "../traffic/traffic-stats";
import type { ApiHandler } from "./api-routes";
import { errorBody, loggableBody, readBody, sendJson } from "./exchange";
import type { RouteTable } from "./route-table";

export const API_BASE_PATH = "/api/v2";

export interface ApiPipelineParts {
  routes: RouteTable<ApiHandler>;
  apiKey: string;
  limiter: CompanyRateLimit;
  /** Per operation (method + route template), per minute. */
  operationLimiter: OperationRateLimit;
  /** Another integration spending the company's limit; its requests are replayed before ours. */
  neighbour: NeighbourTraffic;
  faults: FaultInjector;
  latency: Latency;
  stats: TrafficStats;
  /** How long an injected timeout hangs before dropping the connection (longer than client timeouts). */
  timeoutHangMs: () => number;
  /** Whether unset fields go out as `null` rather than being left out. */
  nullForUnset: () => boolean;
  /** Monotonic ms for rate windows. */
  monotonicNow: () => number;
  wallClock: () => Date;
  /** Lets the server drop hung connections on stop. */
  trackHang: (timer: NodeJS.Timeout) => void;
}

type Answer =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "hang"; ms: number };

const error = (status: number, message: string, headers?: Record<string, string>): Answer => ({
  kind: "json",
  status,
  body: errorBody(status, message),
  headers,
});

export function apiPipeline(parts: ApiPipelineParts) {
  const expectedKeyDigest = digest(parts.apiKey);
  const isAuthorized = (header: string | undefined) => {
    const match = /^Bearer (.+)$/i.exec(header ?? "");
    return match !== null && timingSafeEqual(digest(match[1]!.trim()), expectedKeyDigest);
  };

  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const arrival = parts.monotonicNow();
    const method = request.method ?? "GET";
    const path = url.pathname.slice(API_BASE_PATH.length) || "/";
    let rawBody = "";
    let bodyError: SandboxError | undefined;
    try {
      rawBody = await readBody(request);
    } catch (caught) {
      bodyError = caught instanceof SandboxError ? caught : new SandboxError(400, "Unreadable request body");
    }
    const match = parts.routes.match(method, path);
    const route = match.kind === "not_found" ? undefined : `${method} ${match.template}`;
    const entry: RequestLogEntry = parts.stats.arrived(arrival, {
      at: parts.wallClock().toISOString(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      ...(rawBody ? { body: loggableBody(rawBody) } : {}),
      ...(route ? { route } : {}),
    });

    const answer = decide();
    if (answer.kind === "hang") {
      // Never answer: hold the connection past the client's timeout, then drop it.
      parts.stats.answered(entry, "timeout");
      parts.trackHang(setTimeout(() => request.socket.destroy(), answer.ms));
      return;
    }
    parts.stats.answered(entry, answer.status);
    await sleep(parts.latency.nextDelayMs());
    sendJson(response, answer.status, answer.body, answer.headers, parts.nullForUnset());

    function decide(): Answer {
      parts.neighbour.spendUntil(parts.limiter, arrival);
      if (!parts.limiter.tryAdmit(arrival)) {
        return error(429, "Rate limit exceeded", { "retry-after": "1" });
      }
      if (route) {
        const perOperation = parts.operationLimiter.tryAdmit(route, arrival);
        if (!perOperation.admitted) {
          return error(429, "Rate limit exceeded for this operation", {
            "retry-after": String(perOperation.retryAfterSeconds),
          });
        }
      }
      parts.stats.admittedAt(arrival);
      const fault = parts.faults.take(method, match.kind === "not_found" ? undefined : match.template);
      if (fault?.kind === "timeout") return { kind: "hang", ms: fault.hangMs ?? parts.timeoutHangMs() };
      if (fault?.kind === "error") return error(fault.status, fault.message ?? "Internal server error");
      if (fault?.kind === "rate-limit") {
        const retryAfter = retryAfterHeader(fault, parts.wallClock());
        return error(429, "Rate limit exceeded", retryAfter ? { "retry-after": retryAfter } : undefined);
      }
      if (!isAuthorized(request.headers.authorization)) return error(401, "Invalid or missing API key");
      if (bodyError) return error(bodyError.status, bodyError.message);
      if (match.kind === "not_found")
        return error(404, `No such endpoint: ${method} ${API_BASE_PATH}${path}`);
      if (match.kind === "method_not_allowed")
        return error(405, `Method ${method} not allowed on ${match.template}`);
      try {
        const body = match.handler({ params: match.params, query: url.searchParams, rawBody });
        return { kind: "json", status: 200, body };
      } catch (caught) {
        if (caught instanceof SandboxError) return error(caught.status, caught.message);
        // A sandbox bug must look like a Dialpad 500, not crash the server; the cause goes to stderr.
        console.error("sandbox: unexpected error", caught);
        return error(500, "Internal server error");
      }
    }
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();
