/**
 * Importing the people who were in Dialpad before the service (kind `import`), primary course:
 * page through every live Dialpad user on the bulk lane → for each one we hold no record of,
 * create the record (state mirrored, history entry `imported`) → after each page, store the cursor
 * and the counts in the job, so a redelivered job carries on from the last finished page.
 * A record is only ever created, never overwritten: a person a job recorded meanwhile is "known".
 */
import type { DialpadUser } from "../dialpad/schemas";
import { defineJobKind } from "./job-kind";
import type { ImportRequest, JobOf, PersonState } from "./model";
import { type ImportProgress, importProgress } from "./progress";
import { importRequest } from "./requests";
import { byWorkerFor, defineStep } from "./steps";

declare module "./model" {
  interface JobKindShapes {
    import: { request: ImportRequest; progress: ImportProgress };
  }
}

type ImportJob = JobOf<"import">;
const step = defineStep<ImportJob>();

type Outcome = "imported" | "known" | "skipped";

/** Our state for a Dialpad state; undefined for users that are not live (nothing to record). */
function mirroredState(user: DialpadUser): PersonState | undefined {
  if (user.state === "active" || user.state === "pending") return "active";
  if (user.state === "suspended") return "suspended";
  return undefined;
}

const importUsers = step({
  name: "import_users",
  async run({ job, progress, deps, checkpoint }) {
    const counts = {
      pages: progress.pages ?? 0,
      seen: progress.seen ?? 0,
      imported: progress.imported ?? 0,
      known: progress.known ?? 0,
      skipped: progress.skipped ?? 0,
    };
    const summary = () =>
      `${counts.seen} Dialpad users seen in ${counts.pages} pages: ${counts.imported} imported, ${counts.known} already known, ${counts.skipped} skipped (no email or not live)`;

    const record = async (user: DialpadUser): Promise<Outcome> => {
      const email = user.emails?.[0]?.toLowerCase();
      const state = mirroredState(user);
      if (!email || !state) return "skipped";
      // Known under another email (changed by hand in Dialpad): reconciliation reports that.
      const byId = await deps.people.findByUserId(user.id);
      if (byId && byId.email !== email) return "known";
      const at = deps.clock.now().toISOString();
      const created = await deps.people.recordNew(email, {
        set: {
          state,
          user_id: user.id,
          ...(user.office_id ? { office_id: user.office_id } : {}),
          updated_at: at,
        },
        history: {
          at,
          action: "imported",
          ...byWorkerFor(job),
          detail: `Dialpad user ${user.id}, ${user.state} in Dialpad, recorded as ${state}`,
        },
        // The same id on a resumed page: recordNew answers true for this job's own earlier write.
        historyId: `${job.job_id}#imported#${user.id}`,
      });
      return created ? "imported" : "known";
    };

    let cursor = progress.cursor;
    if (progress.finished) return { status: "succeeded", detail: summary() };
    do {
      const page = await deps.dialpad.listUsersPage(cursor);
      for (const user of page.users) {
        counts.seen += 1;
        counts[await record(user)] += 1;
      }
      counts.pages += 1;
      cursor = page.cursor;
      await checkpoint({ ...counts, ...(cursor ? { cursor } : { finished: true }) }, summary());
    } while (cursor);
    return { status: "succeeded", detail: summary(), produces: { ...counts, finished: true } };
  },
});

/** The lease key of import jobs: not an email, so it never names a person. */
const IMPORT_LEASE = "import-jobs";

/** An import is about nobody in particular; imports share one lease, so one runs at a time. */
export const importKind = defineJobKind({
  kind: "import",
  lane: "bulk",
  progress: importProgress,
  steps: [importUsers],
  requestSchema: importRequest,
  leaseKey: async () => IMPORT_LEASE,
});
