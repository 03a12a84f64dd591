/** What the HTTP API shows of jobs and people (docs/api.md), and nothing of our internals. */
import type { HistoryEntry, Job, Person } from "./model";

export function jobView(job: Job) {
  return {
    job_id: job.job_id,
    kind: job.kind,
    status: job.status,
    email: job.email ?? null,
    ...(job.user_id ? { user_id: job.user_id } : {}),
    steps: job.steps,
    ...(job.error ? { error: job.error } : {}),
    ...(job.cancel_reason ? { cancel_reason: job.cancel_reason } : {}),
    ...(job.held_reason ? { held_reason: job.held_reason } : {}),
    ...(job.released_by ? { released_by: job.released_by, released_at: job.released_at } : {}),
    ...(job.ticket ? { ticket: job.ticket } : {}),
    created_at: job.created_at,
    updated_at: job.updated_at,
    links: { self: `/v1/jobs/${job.job_id}` },
  };
}

export function personView(person: Person, history: HistoryEntry[]) {
  return {
    email: person.email,
    user_id: person.user_id ?? null,
    state: person.state,
    office_id: person.office_id ?? null,
    ...(person.suspended_at ? { suspended_at: person.suspended_at } : {}),
    ...(person.delete_after ? { delete_after: person.delete_after } : {}),
    ...(person.deleted_at ? { deleted_at: person.deleted_at } : {}),
    ...(person.deletion_approved_at ? { deletion_approved_at: person.deletion_approved_at } : {}),
    ...(person.hold ? { hold: person.hold } : {}),
    ...(person.deletion_requires_approval ? { deletion_requires_approval: true } : {}),
    history,
  };
}
