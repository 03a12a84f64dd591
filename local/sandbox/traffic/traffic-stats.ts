/**
 * What the sandbox saw on /api/v2, for tests and benchmarks: totals, 429s and 5xx sent, the peak
 * of arrivals (and of admitted requests) in any 1-second window, counts per route, and the last
 * requests. Never records headers, so the API key never lands here.
 */
import { SlidingWindow } from "./sliding-window";

export interface RequestLogEntry {
  /** ISO-8601 arrival time. */
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, absent when empty. */
  body?: unknown;
  /** e.g. "GET /users/{id}"; absent for unknown paths. */
  route?: string;
  /** Answered status, or "timeout" for a dropped connection; absent while in flight. */
  status?: number | "timeout";
}

export interface SandboxStats {
  totalRequests: number;
  /** 429s sent: the rate limit's and injected ones. */
  tooManyRequestsSent: number;
  serverErrorsSent: number;
  timeoutsInjected: number;
  /** Most arrivals in any 1-second sliding window (what the clients sent). */
  peakRequestsPerSecond: number;
  /** Most admitted (not rate-limited) requests in any 1-second sliding window: never above the limit. */
  peakAdmittedPerSecond: number;
  /** Key: "METHOD /route/{template}". */
  requestsByRoute: Record<string, number>;
  responsesByStatus: Record<string, number>;
  recentRequests: RequestLogEntry[];
}

export class TrafficStats {
  private stats: SandboxStats = TrafficStats.empty();
  private arrivals = new SlidingWindow();
  private admitted = new SlidingWindow();

  constructor(private readonly logSize: number) {}

  private static empty(): SandboxStats {
    return {
      totalRequests: 0,
      tooManyRequestsSent: 0,
      serverErrorsSent: 0,
      timeoutsInjected: 0,
      peakRequestsPerSecond: 0,
      peakAdmittedPerSecond: 0,
      requestsByRoute: {},
      responsesByStatus: {},
      recentRequests: [],
    };
  }

  /** Records an arrival; answers its log entry so the status can be filled in later. */
  arrived(monotonicNow: number, entry: RequestLogEntry): RequestLogEntry {
    this.stats.totalRequests += 1;
    this.stats.peakRequestsPerSecond = Math.max(
      this.stats.peakRequestsPerSecond,
      this.arrivals.add(monotonicNow),
    );
    const routeKey = entry.route ?? `${entry.method} (unknown route)`;
    this.stats.requestsByRoute[routeKey] = (this.stats.requestsByRoute[routeKey] ?? 0) + 1;
    this.stats.recentRequests.push(entry);
    if (this.stats.recentRequests.length > this.logSize) this.stats.recentRequests.shift();
    return entry;
  }

  admittedAt(monotonicNow: number): void {
    this.stats.peakAdmittedPerSecond = Math.max(
      this.stats.peakAdmittedPerSecond,
      this.admitted.add(monotonicNow),
    );
  }

  answered(entry: RequestLogEntry, status: number | "timeout"): void {
    entry.status = status;
    if (status === "timeout") this.stats.timeoutsInjected += 1;
    else if (status === 429) this.stats.tooManyRequestsSent += 1;
    else if (status >= 500) this.stats.serverErrorsSent += 1;
    const key = String(status);
    this.stats.responsesByStatus[key] = (this.stats.responsesByStatus[key] ?? 0) + 1;
  }

  snapshot(): SandboxStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = TrafficStats.empty();
    this.arrivals = new SlidingWindow();
    this.admitted = new SlidingWindow();
  }
}
