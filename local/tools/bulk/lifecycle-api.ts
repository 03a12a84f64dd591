/**
 * The few calls the bulk tool makes to a running service, over its public HTTP API: submit a job
 * with an idempotency key, read a job, list offices. Throttling (429) and server errors (5xx,
 * network) are retried with back-off; any other answer is handed back for the row to report.
 */
import type { OfficeSeats } from "./seat-forecast";

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the service, read field by field
  body: any;
}

export interface OfficeListing {
  offices: OfficeSeats[];
  /** The oldest figure of the listing (ISO time). */
  asOf: string | undefined;
  /** The service found figures stale and is reading them again. */
  refreshRequested: boolean;
}

export interface LifecycleApiOptions {
  baseUrl: string;
  token: string;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export class LifecycleApi {
  private readonly baseUrl: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: LifecycleApiOptions) {
    // Accept both the service root and the v1 base the stack's ApiUrl output names.
    this.baseUrl = options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetchImpl = options.fetch ?? fetch;
  }

  submit(kind: string, body: unknown, idempotencyKey: string): Promise<ApiAnswer> {
    return this.call("POST", `/v1/${kind}`, body, { "idempotency-key": idempotencyKey });
  }

  getJob(jobId: string): Promise<ApiAnswer> {
    return this.call("GET", `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  /** The offices as the service stored them (a 503 before its first reading is retried like any 5xx). */
  async listOffices(): Promise<OfficeListing> {
    const answer = await this.call("GET", "/v1/offices");
    if (answer.status !== 200 || !Array.isArray(answer.body?.items))
      throw new Error(
        `GET /v1/offices answered ${answer.status}: ${answer.body?.error?.message ?? "no office list"}`,
      );
    return {
      offices: answer.body.items as OfficeSeats[],
      asOf: typeof answer.body.as_of === "string" ? answer.body.as_of : undefined,
      refreshRequested: answer.body.refresh_requested === true,
    };
  }

  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const attempts = this.options.maxAttempts ?? 6;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        const answer: ApiAnswer = { status: response.status, body: text ? safeJson(text) : undefined };
        if (response.status !== 429 && response.status < 500) return answer;
        last = new Error(`${method} ${path} answered ${response.status}`);
        if (attempt === attempts) return answer;
        const retryAfter = Number(response.headers.get("retry-after"));
        await this.sleep(
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff(attempt),
        );
      } catch (error) {
        last = error;
        if (attempt === attempts) break;
        await this.sleep(backoff(attempt));
      }
    }
    throw new Error(`${method} ${path} failed: ${last instanceof Error ? last.message : String(last)}`);
  }
}

const backoff = (attempt: number) => Math.min(10_000, 250 * 2 ** attempt);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "not_json", message: text.slice(0, 200) } };
  }
}
