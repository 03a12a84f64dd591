/**
 * Creating the delete job of one person whose retention ended, primary course: derive the request
 * key from the email and the deadline (`sweeper#<email>#<delete_after>`) → write the job and its key
 * together through JobStore.create (a second sweep finds the key and answers the same job) → put
 * it on the urgent queue unless an earlier sweep already did (`enqueued_at`). A new offboarding sets
 * a new delete_after, hence a new key, so a person can be swept again after a rehire. A job that
 * stopped without deleting (a legal hold, a missing approval: the delete job's last check) is not
 * the answer for a person still due: the next job is keyed after it (`...#after#<job_id>`).
 */
import { createHash, randomUUID } from "node:crypto";
import type { Job, Person } from "../lifecycle/model";
import { type Clock, type JobQueue, type JobStore, laneOf, type RequestKey } from "../lifecycle/ports";
import { canonicalJson } from "../lifecycle/request-key";

export const SWEEPER_CLIENT = "sweeper";

export interface SubmitDeleteDeps {
  jobs: JobStore;
  queue: JobQueue;
  clock: Clock;
  newJobId?: () => string;
}

export type DeletePerson = Pick<Person, "email" | "delete_after"> & { user_id: string };

/** How many stopped jobs of one deadline are passed over before the sweep gives up on the person. */
const MAX_STOPPED_JOBS = 20;

export function deleteRequestKey(person: DeletePerson, afterJobId?: string): RequestKey {
  const request = { email: person.email, user_id: person.user_id };
  const parts = [
    "sweeper",
    person.email,
    person.delete_after ?? "",
    ...(afterJobId ? ["after", afterJobId] : []),
  ];
  return {
    key: parts.map(encodeURIComponent).join("#"),
    bodyHash: createHash("sha256").update(canonicalJson(request), "utf8").digest("hex"),
  };
}

export async function submitDeleteJob(
  person: DeletePerson,
  deps: SubmitDeleteDeps,
): Promise<{ job: Job; created: boolean; enqueued: boolean }> {
  let found = await createOrFind(person, undefined, deps);
  for (let stopped = 0; found.job.status === "cancelled" && stopped < MAX_STOPPED_JOBS; stopped++)
    found = await createOrFind(person, found.job.job_id, deps);
  const { job, created } = found;
  if (job.enqueued_at || job.status !== "queued") return { job, created, enqueued: false };
  await deps.queue.enqueue(job.job_id, laneOf(job.kind));
  await deps.jobs.markEnqueued(job.job_id, deps.clock.now().toISOString());
  return { job, created, enqueued: true };
}

function createOrFind(person: DeletePerson, afterJobId: string | undefined, deps: SubmitDeleteDeps) {
  const at = deps.clock.now().toISOString();
  const draft: Job = {
    job_id: deps.newJobId?.() ?? randomUUID(),
    kind: "delete",
    status: "queued",
    email: person.email,
    user_id: person.user_id,
    request: {
      email: person.email,
      user_id: person.user_id,
      ...(person.delete_after ? { delete_after: person.delete_after } : {}),
    },
    steps: [],
    client: SWEEPER_CLIENT,
    created_at: at,
    updated_at: at,
    progress: {},
  };
  return deps.jobs.create(draft, deleteRequestKey(person, afterJobId));
}
