/**
 * Each entity's key getters, for the item layout in table-definition.ts: the adapters build their
 * keys only through these, so a prefix is written once. Emails arrive normalised (the adapter's job).
 * (SCIM items keep theirs beside the layout: SCIM_USER_KEYS, SCIM_GROUP_KEYS.)
 */

type ItemKey = { pk: string; sk: string };

export const JOB_KEYS = {
  item: (jobId: string): ItemKey => ({ pk: `JOB#${jobId}`, sk: "JOB" }),
  /** An API idempotency key → its job. */
  request: (key: string): ItemKey => ({ pk: `REQ#${key}`, sk: "REQ" }),
  /** gsi2pk: a person's jobs. */
  ofEmail: (email: string) => `JOBEMAIL#${email}`,
  /** gsi4pk: a ticket's jobs. */
  ofTicket: (ticket: { system: string; id: string }) =>
    `TICKET#${encodeURIComponent(ticket.system)}#${encodeURIComponent(ticket.id)}`,
  /** gsi3pk: every job. */
  listPartition: "JOBS",
  /** gsi1pk: jobs whose message is not yet on a queue. */
  unsentPartition: "UNSENT",
} as const;

export const PERSON_KEYS = {
  partition: (email: string) => `PERSON#${email}`,
  recordSortKey: "PERSON",
  record: (email: string): ItemKey => ({ pk: PERSON_KEYS.partition(email), sk: PERSON_KEYS.recordSortKey }),
  /** The sort keys of a person's history entries start with this. */
  historyPrefix: "HIST#",
  history: (historyId: string) => `HIST#${historyId}`,
  /** gsi2pk: Dialpad user id → person. */
  ofUserId: (userId: string) => `USER#${userId}`,
  /** gsi3pk: every person. */
  listPartition: "PEOPLE",
  /** gsi1pk: the retention due list. */
  retentionPartition: "RETENTION",
  /** gsi4pk: people under a legal hold. */
  heldPartition: "HELD",
} as const;

export const OTHER_KEYS = {
  /** The shared Dialpad rate budget of one limiter. */
  rateBudget: (limiter: string): ItemKey => ({ pk: `RATE#${limiter}`, sk: "STATE" }),
  /** The mass-change guard's count of a client's recent offboards. */
  massChangeCounter: (client: string): ItemKey => ({ pk: `GUARD#${client}`, sk: "OFFBOARDS" }),
  /** The shared reading of an office's free seats. */
  seats: (officeId: string): ItemKey => ({ pk: `SEATS#${officeId}`, sk: "SEATS" }),
  /** The office list the worker read. */
  offices: { pk: "OFFICES", sk: "OFFICES" } as ItemKey,
  /** A webhook event already applied. */
  webhookEvent: (eventKey: string): ItemKey => ({ pk: `EVENT#${eventKey}`, sk: "EVENT" }),
  reconcileReport: (reportId: string): ItemKey => ({ pk: `RECON#${reportId}`, sk: "REPORT" }),
  /** The marker of a reconciliation in progress. */
  reconcileRunning: { pk: "RECON#RUNNING", sk: "MARKER" } as ItemKey,
} as const;
