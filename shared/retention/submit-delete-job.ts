/**
 * Creating the delete job of one person whose retention ended, primary course: derive the request
 * key from the email's SHA-256 and the deadline (`sweeper#<sha256(email)>#<delete_after>`) → write the job and its key
 * (job-intake.ts: a second sweep finds the key and answers the same job) → send it unless an
 * earlier sweep already did. A new offboarding sets
 * a new delete_after, hence a new key, so a person can be swept again after a rehire. A job that
 * stopped without deleting (a legal hold, a missing approval: the delete job's last check) is not
 * the answer for a person still due: the next job is keyed after it (`...#after#<job_id>`).
 */
import { type Intake, type IntakeDeps, sendJob, writeJob } from "../lifecycle/job-intake";
import type { Person } from "../lifecycle/model";
import type { RequestKey } from "../lifecycle/ports";
import { canonicalJson, sha256Hex } from "../lifecycle/request-key";

export const SWEEPER_CLIENT = "sweeper";

export type SubmitDeleteDeps = IntakeDeps;

export type DeletePerson = Pick<Person, "email" | "delete_after" | "deletion_admin_authority"> & {
  user_id: string;
};

/** How many stopped jobs of one deadline are passed over before the sweep gives up on the person. */
const MAX_STOPPED_JOBS = 20;

export function deleteRequestKey(person: DeletePerson, afterJobId?: string): RequestKey {
  const request = { email: person.email, user_id: person.user_id };
  const parts = [
    "sweeper",
    // Hashed: the key outlives the person's record by years, and must not keep their email.
    sha256Hex(person.email),
    person.delete_after ?? "",
    ...(afterJobId ? ["after", afterJobId] : []),
  ];
  return {
    key: parts.map(encodeURIComponent).join("#"),
    bodyHash: sha256Hex(canonicalJson(request)),
  };
}

export async function submitDeleteJob(person: DeletePerson, deps: SubmitDeleteDeps): Promise<Intake> {
  let found = await writeDeleteJob(person, undefined, deps);
  for (let stopped = 0; found.job.status === "cancelled" && stopped < MAX_STOPPED_JOBS; stopped++)
    found = await writeDeleteJob(person, found.job.job_id, deps);
  return { ...found, enqueued: await sendJob(found.job, deps) };
}

function writeDeleteJob(person: DeletePerson, afterJobId: string | undefined, deps: SubmitDeleteDeps) {
  const { email, user_id, delete_after } = person;
  return writeJob(
    {
      kind: "delete",
      request: { email, user_id, ...(delete_after ? { delete_after } : {}) },
      client: SWEEPER_CLIENT,
      // The sweeper has no authority of its own: it carries that of whoever offboarded or approved.
      authority: { admin: person.deletion_admin_authority === true },
      email,
      user_id,
    },
    deleteRequestKey(person, afterJobId),
    deps,
  );
}
