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

/**
 * Who may read why a person is held: a hold's reason can name a litigation or an investigation, so
 * only clients that manage holds (`legal_hold`) or everything (`admin`) see it; others see `held`.
 */
export const seesHoldReasons = (scopes: readonly string[]) =>
  scopes.includes("legal_hold") || scopes.includes("admin");

/** The history entries that carry a hold's reason, told without it. */
const HOLD_ACTIONS: Record<string, string> = {
  hold_placed: "legal hold placed",
  hold_lifted: "legal hold lifted",
};

function withoutHoldReasons(entry: HistoryEntry): HistoryEntry {
  const told = HOLD_ACTIONS[entry.action];
  return told && entry.detail !== undefined ? { ...entry, detail: told } : entry;
}

export function personView(person: Person, history: HistoryEntry[], viewerScopes: readonly string[]) {
  const reasons = seesHoldReasons(viewerScopes);
  return {
    email: person.email,
    user_id: person.user_id ?? null,
    state: person.state,
    office_id: person.office_id ?? null,
    ...(person.suspended_at ? { suspended_at: person.suspended_at } : {}),
    ...(person.delete_after ? { delete_after: person.delete_after } : {}),
    ...(person.deleted_at ? { deleted_at: person.deleted_at } : {}),
    ...(person.deletion_approved_at ? { deletion_approved_at: person.deletion_approved_at } : {}),
    ...(person.hold ? { held: true as const, ...(reasons ? { hold: person.hold } : {}) } : {}),
    ...(person.deletion_requires_approval ? { deletion_requires_approval: true } : {}),
    history: reasons ? history : history.map(withoutHoldReasons),
  };
}
