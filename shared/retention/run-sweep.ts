/**
 * The retention sweep, primary course: page through the retention due list (an index query of
 * suspended people whose delete_after has passed) → skip those still awaiting an approval when
 * approvals are required (always, for a suspension made by hand in Dialpad), people under a legal
 * hold, and records without a Dialpad user id → create (or find) one delete job
 * per person, queue it and note it on the record. Idempotent: a second sweep skips the noted
 * people without a write, and finds any other job by its request key, creating nothing. A sweep running out of time stops between pages (`complete: false`); the next
 * one carries on from the same index.
 */
import { sweepDecision } from "../lifecycle/lifecycle-policy";
import type { Person } from "../lifecycle/model";
import { type SubmitDeleteDeps, submitDeleteJob } from "./submit-delete-job";

export interface RetentionDueList {
  /**
   * Pages of people due for deletion at `nowIso`, oldest deadline first, each with the deadline
   * its delete job was queued for, if one was (`delete_job_for`).
   */
  dueForDeletion(nowIso: string): AsyncIterable<(Person & { delete_job_for?: string })[]>;
  noteDeleteJobQueued(email: string, deleteAfter: string, jobId: string): Promise<void>;
}

export interface SweepDeps extends SubmitDeleteDeps {
  people: RetentionDueList;
  requireApproval: boolean;
  /** Delete jobs submitted at once; each is a transaction, a queue send and an update. */
  concurrency?: number;
  /** Stop before a new page once this epoch ms has passed (the Lambda's remaining time). */
  deadlineMs?: number;
  onError?: (person: Person, error: unknown) => void;
}

export interface SweepResult {
  /** People on the due list at the time of the sweep (pages read). */
  due: number;
  /** Delete jobs created by this sweep. */
  created: number;
  /** Jobs that already existed (an earlier sweep) and were already queued. */
  existing: number;
  /** Existing jobs whose earlier send was lost, queued again now. */
  requeued: number;
  awaiting_approval: number;
  /** People under a legal hold: not deleted until it is lifted. */
  held: number;
  /** Records on the due list without a Dialpad user id: nothing to delete. */
  no_user_id: number;
  failed: number;
  complete: boolean;
}

export async function runSweep(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = {
    due: 0,
    created: 0,
    existing: 0,
    requeued: 0,
    awaiting_approval: 0,
    held: 0,
    no_user_id: 0,
    failed: 0,
    complete: true,
  };
  const nowIso = deps.clock.now().toISOString();
  for await (const page of deps.people.dueForDeletion(nowIso)) {
    result.due += page.length;
    const ready: (Person & { user_id: string })[] = [];
    for (const person of page) {
      const decision = sweepDecision(person, deps.requireApproval);
      if (decision === "held") result.held += 1;
      else if (person.delete_job_for !== undefined && person.delete_job_for === person.delete_after)
        result.existing += 1; // queued by an earlier sweep: nothing to write
      else if (decision === "delete") ready.push(person as Person & { user_id: string });
      else result[decision] += 1;
    }
    await forEachConcurrently(ready, deps.concurrency ?? 16, async (person) => {
      try {
        const { job, created, enqueued } = await submitDeleteJob(person, deps);
        if (person.delete_after)
          await deps.people.noteDeleteJobQueued(person.email, person.delete_after, job.job_id);
        if (created) result.created += 1;
        else if (enqueued) result.requeued += 1;
        else result.existing += 1;
      } catch (error) {
        // One person's failure (e.g. IdempotencyConflict on a changed user id) must not stop the sweep.
        result.failed += 1;
        deps.onError?.(person, error);
      }
    });
    if (deps.deadlineMs !== undefined && Date.now() >= deps.deadlineMs) {
      result.complete = false;
      break;
    }
  }
  return result;
}

async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
