/**
 * Callback delivery over in-memory ports: the body is the job as the API shows it, signed with the
 * asking client's callback key (none: no callback); failures
 * queue the next attempt with a growing delay (never more than SQS's 15 minutes per hop) for at
 * least 24 hours; a refused target is given up at once. And the announcement of an ended job.
 */
import { describe, expect, it } from "vitest";
import type { Job } from "../../shared/lifecycle/model";
import { jobView } from "../../shared/lifecycle/views";
import { announceJobFinished } from "../../shared/notify/announce-finished";
import type { CallbackPost, PostOutcome } from "../../shared/notify/callback-sender";
import { verifySignatureHeader } from "../../shared/notify/callback-signature";
import {
  callbackRetryDelaySeconds,
  deliverCallback,
  MAX_QUEUE_DELAY_SECONDS,
} from "../../shared/notify/deliver-callback";
import { RecordingJobEvents } from "../../shared/notify/job-finished-events";
import type { CallbackMessage } from "../../shared/notify/ports";

/** The registry's callback keys: jira has one, legacy (registered before callback keys) has none. */
const CALLBACK_KEYS: Record<string, string> = {
  jira: "jira-callback-key-0123456789",
  servicenow: "servicenow-callback-key-0123",
};
const START = Date.parse("2026-12-01T10:00:00.000Z");

const job = (over: Partial<Job> = {}): Job =>
  ({
    job_id: "job-1",
    kind: "onboard",
    status: "succeeded",
    email: "ada@example.com",
    user_id: "42",
    steps: [{ name: "create_user", status: "succeeded", at: "2026-12-01T09:59:00.000Z" }],
    client: "jira",
    ticket: { system: "jira", id: "IT-1" },
    created_at: "2026-12-01T09:58:00.000Z",
    updated_at: "2026-12-01T09:59:30.000Z",
    progress: {},
    request: {
      email: "ada@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      office_name: "HQ",
      license: "talk",
      admin_type: "none",
      call_center_ids: [],
      callback_url: "https://hooks.example.com/dialpad",
    },
    ...over,
  }) as Job;

function world(answers: PostOutcome[], stored: Job | null = job()) {
  let now = START;
  const posts: CallbackPost[] = [];
  const queued: { message: CallbackMessage; delaySeconds: number }[] = [];
  const failures: string[] = [];
  const deps = {
    jobs: { get: async () => stored ?? undefined },
    sender: {
      post: async (request: CallbackPost) => {
        posts.push(request);
        return answers.shift() ?? { type: "delivered" as const, status: 200 };
      },
    },
    queue: {
      send: async (message: CallbackMessage, delaySeconds: number) =>
        void queued.push({ message, delaySeconds }),
    },
    callbackKeys: { keyOf: async (client: string) => CALLBACK_KEYS[client] },
    clock: { now: () => new Date(now) },
    onFailure: (_message: CallbackMessage, reason: string) => void failures.push(reason),
  };
  return {
    deps,
    posts,
    queued,
    failures,
    advance: (seconds: number) => (now += seconds * 1000),
    nowSeconds: () => now / 1000,
  };
}

const first = (): CallbackMessage => ({
  type: "callback",
  job_id: "job-1",
  attempt: 1,
  first_attempt_at: new Date(START).toISOString(),
  due_at: new Date(START).toISOString(),
});

describe("deliverCallback", () => {
  it("POSTs the job exactly as GET /v1/jobs/{id} shows it, signed for the asking client only", async () => {
    const w = world([{ type: "delivered", status: 204 }]);
    expect(await deliverCallback(first(), w.deps)).toEqual({
      status: "delivered",
      attempt: 1,
      http_status: 204,
    });
    const [post] = w.posts;
    expect(post?.url).toBe("https://hooks.example.com/dialpad");
    expect(JSON.parse(post?.body ?? "")).toEqual(JSON.parse(JSON.stringify(jobView(job()))));
    const header = post?.headers["Dialpad-Lifecycle-Signature"] ?? "";
    expect(header).toMatch(new RegExp(`^t=${START / 1000},v2=[0-9a-f]{64}$`));
    const body = post?.body ?? "";
    const jira = { client: "jira", key: CALLBACK_KEYS.jira as string };
    const servicenow = { client: "servicenow", key: CALLBACK_KEYS.servicenow as string };
    expect(verifySignatureHeader(header, body, jira, START / 1000)).toBe(true);
    // Another client's receiver refuses it, with its own key or even were it given jira's.
    expect(verifySignatureHeader(header, body, servicenow, START / 1000)).toBe(false);
    expect(verifySignatureHeader(header, body, { ...jira, client: "servicenow" }, START / 1000)).toBe(false);
    expect(w.queued).toEqual([]);
  });

  it("queues the next attempt after a failure, with a growing delay, and counts the failure", async () => {
    const w = world([{ type: "failed", status: 500, reason: "answered 500" }]);
    const result = await deliverCallback(first(), w.deps);
    expect(result).toMatchObject({ status: "retrying", attempt: 1, reason: "answered 500" });
    expect(w.failures).toEqual(["answered 500"]);
    expect(w.queued).toEqual([
      {
        message: { ...first(), attempt: 2, due_at: new Date(START + 30_000).toISOString() },
        delaySeconds: 30,
      },
    ]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => callbackRetryDelaySeconds(n))).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]);
  });

  it("waits out a due time beyond SQS's longest delay in hops, without posting", async () => {
    const w = world([]);
    const later = { ...first(), attempt: 8, due_at: new Date(START + 3600_000).toISOString() };
    expect(await deliverCallback(later, w.deps)).toEqual({ status: "waiting" });
    expect(w.posts).toEqual([]);
    expect(w.queued).toEqual([{ message: later, delaySeconds: MAX_QUEUE_DELAY_SECONDS }]);
  });

  it("keeps retrying a receiver that is down for at least 24 hours, then gives up", async () => {
    const w = world(
      Array.from({ length: 200 }, () => ({
        type: "failed" as const,
        reason: "request failed (ECONNREFUSED)",
      })),
    );
    let message: CallbackMessage | undefined = first();
    let attempts = 0;
    let lastAttemptAt = START;
    while (message) {
      const due = Date.parse(message.due_at) / 1000;
      if (w.nowSeconds() < due) w.advance(due - w.nowSeconds());
      w.queued.length = 0;
      const result = await deliverCallback(message, w.deps);
      if (result.status !== "waiting") {
        attempts++;
        lastAttemptAt = w.nowSeconds() * 1000;
      }
      for (const { delaySeconds } of w.queued)
        expect(delaySeconds).toBeLessThanOrEqual(MAX_QUEUE_DELAY_SECONDS);
      message = w.queued[0]?.message;
      if (result.status === "gave_up") expect(message).toBeUndefined();
    }
    expect(lastAttemptAt - START).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(attempts).toBe(w.posts.length);
    expect(w.failures).toHaveLength(attempts);
  });

  it("gives up at once on a target the SSRF guard refuses", async () => {
    const w = world([{ type: "refused", reason: "the host resolves to a internal address" }]);
    expect(await deliverCallback(first(), w.deps)).toMatchObject({ status: "gave_up", attempt: 1 });
    expect(w.queued).toEqual([]);
    expect(w.failures).toHaveLength(1);
  });

  it("gives up at once, sending nothing, for a client without a callback key", async () => {
    const w = world([], job({ client: "legacy" }));
    expect(await deliverCallback(first(), w.deps)).toMatchObject({
      status: "gave_up",
      reason: expect.stringMatching(/client legacy has no callback key/),
    });
    expect(w.posts).toEqual([]);
    expect(w.queued).toEqual([]);
  });

  it("sends nothing for a job without a callback URL or an unknown job", async () => {
    const bare = job();
    const { callback_url: _, ...request } = bare.request as { callback_url?: string };
    expect(await deliverCallback(first(), world([], { ...bare, request } as Job).deps)).toEqual({
      status: "nothing_to_send",
    });
    expect(await deliverCallback(first(), world([], null).deps)).toEqual({ status: "nothing_to_send" });
  });
});

describe("announceJobFinished", () => {
  const deps = (stored: Job) => {
    const events = new RecordingJobEvents();
    const queued: CallbackMessage[] = [];
    return {
      events,
      queued,
      deps: {
        jobs: { get: async () => stored },
        events,
        callbacks: { send: async (message: CallbackMessage) => void queued.push(message) },
        clock: { now: () => new Date(START) },
      },
    };
  };

  it("publishes a Job Finished event with the job view and queues the first callback", async () => {
    const failed = job({ status: "failed", error: { code: "no_seats", message: "No seats." } });
    const d = deps(failed);
    await announceJobFinished("job-1", d.deps);
    expect(d.events.events).toEqual([
      { source: "dialpad-lifecycle", "detail-type": "Job Finished", detail: jobView(failed) },
    ]);
    expect(d.queued).toEqual([first()]);
  });

  it("publishes an event but queues no callback for a job without a callback URL", async () => {
    const d = deps(job({ kind: "offboard", request: { email: "ada@example.com" } } as Partial<Job>));
    await announceJobFinished("job-1", d.deps);
    expect(d.events.events).toHaveLength(1);
    expect(d.queued).toEqual([]);
  });

  it("announces nothing while the job has not ended", async () => {
    const d = deps(job({ status: "running" }));
    await announceJobFinished("job-1", d.deps);
    expect(d.events.events).toEqual([]);
    expect(d.queued).toEqual([]);
  });
});
