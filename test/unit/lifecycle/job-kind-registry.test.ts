/**
 * The job-kind registry is the only list: a kind defined here, in a registry of this test's own,
 * is taken in, queued on its lane, run through its steps and hooks, counted in the job metrics
 * and listed by the OpenAPI document, with no other file knowing about it: its request schema, its
 * admin rule and its intake hold are the kind's too, and no other module asks which kind a job is.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { openApiDocument } from "../../../functions/api/openapi-document";
import { ROUTES } from "../../../functions/api/routes";
import { requireAuthorityFor } from "../../../shared/auth/request-authority";
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
  requestSchema: z.strictObject({
    ticket: z.object({ system: z.string(), id: z.string() }),
    loud: z.boolean().optional(),
    hold: z.boolean().optional(),
  }) as never,
  adminAsk: (request) => ((request as { loud?: boolean }).loud ? "ping loudly" : undefined),
  hold: async (request, { caller, key }) => {
    heard.push(`hold? ${caller.client}`);
    if (!(request as { hold?: boolean }).hold) return { held: false };
    return {
      held: true,
      reason: "Held: pings wait.",
      uncount: async () => void heard.push(`uncount ${key.key}`),
    };
  },
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
      "hold? test-client",
      `accepted ${job.job_id}`,
      `before ${job.job_id} holding ping-lease`,
      `step ${job.job_id}`,
    ]);
    expect(outcomes).toEqual(["ping succeeded"]);
  });

  it("validates its request with its own schema and asks for admin by its own rule", () => {
    const schema = kinds.requestSchemaOf(PING);
    expect(schema.safeParse({ ticket: { system: "t", id: "1" } }).success).toBe(true);
    expect(schema.safeParse({ ticket: { system: "t", id: "1" }, typo: 1 }).success).toBe(false);
    expect(() => kinds.requestSchemaOf("delete")).toThrow(/takes no request/);

    const loud = { kind: PING, request: { ticket: { system: "t", id: "1" }, loud: true } } as never;
    const settings = { retentionDays: 30 };
    expect(kinds.adminAskOf(loud, settings)).toBe("ping loudly");
    expect(() => requireAuthorityFor({ client: "c", scopes: ["onboard"] }, loud, kinds, settings)).toThrow(
      /ping loudly/,
    );
    expect(() =>
      requireAuthorityFor({ client: "c", scopes: ["admin"] }, loud, kinds, settings),
    ).not.toThrow();
  });

  it("is held by its own intake hook, and a repeat of the request counts nothing", async () => {
    const held: string[] = [];
    const s = memoryService({ kinds });
    s.submit.massChange = { ...s.submit.massChange!, onHeld: (job) => held.push(job.job_id) };
    const submission = { kind: PING, request: { ticket: { system: "test", id: "2" }, hold: true } };
    const caller = { client: "test-client", idempotencyKey: undefined, scopes: ["onboard"] };
    const first = await submitJob(submission as unknown as Submission, caller, s.submit);
    expect(first.job).toMatchObject({ status: "held", held_reason: "Held: pings wait." });
    expect(s.queue.sent).toEqual([]);
    expect(held).toEqual([first.job.job_id]);

    heard.length = 0;
    const repeat = await submitJob(submission as unknown as Submission, caller, s.submit);
    expect(repeat).toMatchObject({ created: false, job: { job_id: first.job.job_id } });
    expect(heard).toEqual(["hold? test-client", expect.stringMatching(/^uncount /)]);
    expect(held).toHaveLength(1);
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

describe("asking which kind a job is", () => {
  // The kind modules define what a kind does; anywhere else, a branch on a kind's name would be
  // a second list of kinds that a new kind must find and change.
  const KIND_MODULES = new Set(JOB_KIND_NAMES.map((kind) => `shared/lifecycle/${kind}.ts`));
  const BRANCH = new RegExp(
    `kind\\s*[!=]==?\\s*["'](${JOB_KIND_NAMES.join("|")})["']|["'](${JOB_KIND_NAMES.join("|")})["']\\s*[!=]==?\\s*[\\w.]*kind\\b`,
  );
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return entry.name.endsWith(".ts") ? [path] : [];
    });

  it("happens in no module but the kind's own", () => {
    const branching = ["shared", "functions", "infra"]
      .flatMap(sources)
      .filter((path) => !KIND_MODULES.has(path.replaceAll("\\", "/")))
      .filter((path) => BRANCH.test(readFileSync(path, "utf8")));
    expect(branching).toEqual([]);
  });
});
