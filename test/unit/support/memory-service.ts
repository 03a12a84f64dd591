/**
 * The lifecycle on in-memory parts: stores, queue, clock, ids and a fake Dialpad, wired the way
 * shared/wiring wires the real adapters, plus a worker loop that delivers queued messages the way
 * SQS would (receive counts, busy re-queues, hand-backs). For unit tests of the use cases.
 */

import { type ProcessDeps, processJobMessage } from "../../../functions/worker/process-job-message";
import { cancelJob, releaseJob } from "../../../shared/lifecycle/job-decisions";
import type { JobKindRegistry } from "../../../shared/lifecycle/job-kind";
import { JOB_KINDS } from "../../../shared/lifecycle/job-kinds";
import { DEFAULT_SCIM_OFFBOARD_LIMIT } from "../../../shared/lifecycle/mass-change-guard";
import type { Job, OffboardRequest, OnboardRequest, UpdateRequest } from "../../../shared/lifecycle/model";
import { OfficeDirectory } from "../../../shared/lifecycle/office-directory";
import type { RunJobDeps } from "../../../shared/lifecycle/run-job";
import { SeatReadings } from "../../../shared/lifecycle/seat-readings";
import type { LifecycleSettings } from "../../../shared/lifecycle/steps";
import { type SubmitDeps, submitJob } from "../../../shared/lifecycle/submit-job";
import { sampleOnboardRequest } from "../../support/sample-onboard-request";
import { ManualClock, sequentialIds } from "./clock-and-ids";
import { FakeDialpad } from "./fake-dialpad";
import { InMemoryJobStore } from "./memory-job-store";
import { InMemoryMassChangeCounter } from "./memory-mass-change-counter";
import { InMemoryPersonStore } from "./memory-person-store";
import { InMemoryJobQueue } from "./memory-queue";
import { InMemorySeatReadingStore } from "./memory-seat-store";

export interface MemoryServiceOptions {
  /** The job kinds the service runs (default: the service's own, job-kinds.ts). */
  kinds?: JobKindRegistry;
  settings?: Partial<LifecycleSettings>;
  maxReceives?: number;
  lifecycle?: Partial<RunJobDeps>;
  /** The scopes of the client submitting the jobs (default onboard, offboard, read). */
  scopes?: readonly string[];
  /** The submitting client's registry `mass_offboard_limit` (default: none, so not guarded). */
  massOffboardLimit?: number;
}

export function memoryService(options: MemoryServiceOptions = {}) {
  const clock = new ManualClock();
  const kinds = options.kinds ?? JOB_KINDS;
  const jobs = new InMemoryJobStore(kinds);
  const people = new InMemoryPersonStore();
  const queue = new InMemoryJobQueue();
  const dialpad = new FakeDialpad();
  const hq = dialpad.addOffice("HQ");
  const support = dialpad.addCallCenter("Support", hq.id);
  dialpad.addNumbers("+12125550100", "+12125550101", "+16465550100");
  const settings: LifecycleSettings = {
    retentionDays: 30,
    numberParkingTarget: { to: "office" },
    numbersOnDelete: "park",
    ...options.settings,
  };
  const seatStore = new InMemorySeatReadingStore();
  const massChangeCounter = new InMemoryMassChangeCounter();
  const heldJobs: Job[] = [];
  const submit: SubmitDeps = {
    kinds,
    jobs,
    people,
    queue,
    clock,
    newJobId: sequentialIds("job"),
    massChange: {
      counter: massChangeCounter,
      scimDefaultLimit: DEFAULT_SCIM_OFFBOARD_LIMIT,
      onHeld: (job) => heldJobs.push(job),
    },
  };
  const lifecycle: RunJobDeps = {
    kinds,
    jobs,
    people,
    dialpad: { urgent: dialpad, bulk: dialpad },
    offices: new OfficeDirectory(dialpad),
    seats: new SeatReadings(dialpad, seatStore, () => clock.now().getTime()),
    clock,
    settings,
    newRunId: sequentialIds("run"),
    ...options.lifecycle,
  };
  const maxReceives = options.maxReceives ?? 5;
  const worker: ProcessDeps = { lifecycle, queues: queue, maxReceives, retryDelay: () => 0 };
  const client = "test-client";
  const scopes = options.scopes ?? ["onboard", "offboard", "read"];
  const { massOffboardLimit } = options;

  /** Receive counts per job, as SQS keeps them per message (a re-queue is a new message). */
  const receives = new Map<string, number>();

  return {
    kinds,
    clock,
    jobs,
    people,
    queue,
    dialpad,
    hq,
    support,
    settings,
    seatStore,
    submit,
    client,
    massChangeCounter,
    /** Every offboard the mass-change guard held, as `onHeld` was told. */
    heldJobs,
    lifecycle,
    worker,
    onboard: (request: Partial<OnboardRequest> & { email: string }, idempotencyKey?: string) =>
      submitJob(
        {
          kind: "onboard",
          request: sampleOnboardRequest(request),
        },
        { client, idempotencyKey, scopes },
        submit,
      ),
    offboard: (request: OffboardRequest, idempotencyKey?: string) =>
      submitJob({ kind: "offboard", request }, { client, idempotencyKey, scopes, massOffboardLimit }, submit),
    /** Releases a held job as `by` (another approve client unless told). */
    release: (jobId: string, by = "approver") => releaseJob(jobId, { client: by }, submit),
    /** Cancels a held or queued job as `by`. */
    cancel: (jobId: string, by = "approver") => cancelJob(jobId, { client: by }, submit),
    update: (request: UpdateRequest, idempotencyKey?: string) =>
      submitJob({ kind: "update", request }, { client, idempotencyKey, scopes }, submit),
    /**
     * Delivers queued messages to the worker until the queue is empty (at most `limit` deliveries).
     * A message whose run fails is delivered again, with a higher receive count, until its last
     * receive; a re-queued message (busy, paused on its last receive) starts a new count.
     */
    async work(limit = 200, remainingTimeMs?: () => number) {
      const errors: unknown[] = [];
      for (let delivered = 0; delivered < limit; delivered++) {
        const message = queue.sent.shift();
        if (!message) return errors;
        const receiveCount = (receives.get(message.jobId) ?? 0) + 1;
        const sentBefore = queue.sent.length;
        let failed = false;
        try {
          await processJobMessage(
            {
              messageId: `m-${delivered}`,
              receiptHandle: `r-${delivered}`,
              body: JSON.stringify({ job_id: message.jobId }),
              attributes: { ApproximateReceiveCount: String(receiveCount) },
              eventSourceARN: `arn:aws:sqs:eu-west-1:000000000000:${message.lane}`,
            } as never,
            worker,
            remainingTimeMs,
          );
        } catch (error) {
          failed = true;
          errors.push(error);
        }
        const requeued = queue.sent.length > sentBefore; // a new message: its count starts again
        if (failed && !requeued && receiveCount < maxReceives) {
          receives.set(message.jobId, receiveCount);
          queue.sent.push(message); // visible again: the same message, one more receive
        } else receives.delete(message.jobId); // done, re-queued, or on to the DLQ
      }
      return errors;
    },
  };
}

export type MemoryService = ReturnType<typeof memoryService>;
