/**
 * The job-kind registry is the only list: a kind defined here, in a registry of this test's own,
 * is taken in, queued on its lane, run through its steps and hooks, counted in the job metrics
 * and listed by the OpenAPI document, with no other file knowing about it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { openApiDocument } from "../../../functions/api/openapi-document";
import { ROUTES } from "../../../functions/api/routes";
import { defineJobKind, jobKindRegistry } from "../../../shared/lifecycle/job-kind";
import { JOB_KIND_NAMES, JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import type { Job, JobKind } from "../../../shared/lifecycle/model";
import { defineStep } from "../../../shared/lifecycle/steps";
import { type Submission, submitJob } from "../../../shared/lifecycle/submit-job";
import { createMetrics, recordJobOutcome } from "../../../shared/observability/metrics";
import { memoryService } from "../support/memory-service";

// A kind this service does not have: the type system knows only the registered kinds, so the
// test speaks of it through casts; the runtime learns of it from the test registry alone.
const PING = "ping" as JobKind;
const heard: string[] = [];
const pingKind = defineJobKind({
  kind: PING,
  lane: "urgent",
  progress: z.object({ pong: z.string() }).partial() as never,
  steps: [
    defineStep<Job>()({
      name: "ping",
      run: async ({ job }) => {
        heard.push(`step ${job.job_id}`);
        return { status: "succeeded", detail: "pong", produces: { pong: "yes" } as never };
      },
    }),
  ],
  subject: async () => ({ email: "ping@example.com" }),
  onAccepted: async (job) => {
    heard.push(`accepted ${job.job_id}`);
  },
  leaseKey: async () => "ping-lease",
  beforeSteps: async (job, leaseKey) => {
    heard.push(`before ${job.job_id} holding ${leaseKey}`);
  },
});
const kinds = jobKindRegistry([...JOB_KIND_NAMES.map((kind) => JOB_KINDS.of(kind)), pingKind]);

afterEach(() => {
  heard.length = 0;
  vi.restoreAllMocks();
});

describe("a job kind registered only in a test registry", () => {
  it("is taken in, queued on its lane, run with its hooks and steps, and counted by its kind", async () => {
    const outcomes: string[] = [];
    const s = memoryService({
      kinds,
      lifecycle: { onFinished: (job, outcome) => outcomes.push(`${job.kind} ${outcome.status}`) },
    });
    const { job, created } = await submitJob(
      { kind: PING, request: { ticket: { system: "test", id: "1" } } } as unknown as Submission,
      { client: "test-client", idempotencyKey: undefined, scopes: ["onboard"] },
      s.submit,
    );
    expect(created).toBe(true);
    expect(job).toMatchObject({ kind: "ping", email: "ping@example.com", status: "queued" });
    expect(s.queue.sent).toEqual([expect.objectContaining({ jobId: job.job_id, lane: "urgent" })]);

    expect(await s.work()).toEqual([]);
    const ran = await s.jobs.get(job.job_id);
    expect(ran).toMatchObject({ status: "succeeded", progress: { pong: "yes" } });
    expect(ran?.steps).toEqual([expect.objectContaining({ name: "ping", status: "succeeded" })]);
    expect(heard).toEqual([
      `accepted ${job.job_id}`,
      `before ${job.job_id} holding ping-lease`,
      `step ${job.job_id}`,
    ]);
    expect(outcomes).toEqual(["ping succeeded"]);
  });

  it("is the kind dimension of the job outcome metrics", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    recordJobOutcome(createMetrics(), PING, "failed");
    vi.mocked(process.stdout.write).mockRestore();
    const emitted = lines.filter((line) => line.includes("_aws")).map((line) => JSON.parse(line));
    expect(emitted).toEqual([expect.objectContaining({ kind: "ping", JobsFailed: 1 })]);
  });

  it("is listed by the OpenAPI document's JobKind enum, which the job and its list filter use", () => {
    const document = openApiDocument(ROUTES, { jobKinds: kinds.kinds }) as {
      components: { schemas: Record<string, { enum?: string[] }> };
    };
    expect(document.components.schemas.JobKind?.enum).toEqual([...JOB_KIND_NAMES, "ping"]);
    // The kind enum is written once, in the component; the job and the list filter refer to it.
    const text = JSON.stringify(document);
    expect(text.match(/"enum":\["onboard"/g)).toHaveLength(1);
    expect(text.match(/"\$ref":"#\/components\/schemas\/JobKind"/g)).toHaveLength(2);
  });
});

describe("the service's registry", () => {
  it("lists every kind once, and refuses a kind listed twice", () => {
    expect(JOB_KINDS.kinds).toEqual(["onboard", "update", "offboard", "delete", "import"]);
    expect(() => jobKindRegistry([pingKind, pingKind])).toThrow(/listed twice/);
  });

  it("puts leavers and deletions on the urgent lane, planned work on the bulk lane", () => {
    expect(Object.fromEntries(JOB_KINDS.kinds.map((kind) => [kind, JOB_KINDS.laneOf(kind)]))).toEqual({
      onboard: "bulk",
      update: "bulk",
      offboard: "urgent",
      delete: "urgent",
      import: "bulk",
    });
  });
});
