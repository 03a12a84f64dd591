/**
 * Drift reconciliation over 500 sandbox users: the test plants a known drift (users we have no
 * record of, records that disagree with Dialpad, suspended users without a retention clock, a user
 * deleted by hand) and the on-demand run (POST /v1/reconcile → worker → GET /v1/reconcile/{id})
 * must find exactly that, and count it in DriftFound.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PersonState } from "../../shared/lifecycle/model";
import { MAX_LISTED } from "../../shared/reconcile/drift-report";
import { findDrift } from "../../shared/reconcile/find-drift";
import { TABLE_KEYS } from "../../shared/store/table-definition";
import { apiOf, callApi } from "../support/api-caller";
import { localDocumentClient } from "../support/aws";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const USERS = 500;
const doc = localDocumentClient();
let h: LifecycleHarness;
const driftCounts: number[] = [];

function personItem(email: string, userId: string, state: PersonState, deleteAfter?: string) {
  const { retentionIndex, userIdIndex } = TABLE_KEYS;
  return {
    pk: `PERSON#${email}`,
    sk: "PERSON",
    email,
    user_id: userId,
    state,
    updated_at: "2024-01-01T00:00:00.000Z",
    [userIdIndex.partitionKey]: `USER#${userId}`,
    [userIdIndex.sortKey]: "PERSON",
    ...(deleteAfter && state === "suspended"
      ? {
          delete_after: deleteAfter,
          [retentionIndex.partitionKey]: "RETENTION",
          [retentionIndex.sortKey]: `${deleteAfter}#${email}`,
        }
      : {}),
  };
}

async function batchWrite(items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let requests: unknown[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests && requests.length > 0) {
      const result: { UnprocessedItems?: Record<string, unknown[]> } = await doc.send(
        new BatchWriteCommand({ RequestItems: { [h.tableName]: requests as never } }),
      );
      requests = result.UnprocessedItems?.[h.tableName];
    }
  }
}

const FUTURE = "2999-01-01T00:00:00.000Z";
/** The drift planted, by index of the seeded user (0-based). */
const PLANT = {
  noRecord: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  noRecordSuspended: [10],
  recordSuspendedButActive: [20, 21, 22, 23, 24],
  suspendedByHandRecordActive: [30, 31, 32],
  suspendedRecordWithoutRetention: [40],
  suspendedWithRetention: [50], // consistent: not drift
  deletedByHandRecordActive: [60, 61],
};

beforeAll(async () => {
  h = await startLifecycleHarness({
    sandbox: { seedUsers: USERS },
    serviceHooks: { onDriftFound: (count) => driftCounts.push(count) },
  });
  const users = h.sandbox.state.users();
  expect(users).toHaveLength(USERS);
  const skip = new Set([...PLANT.noRecord, ...PLANT.noRecordSuspended]);
  const stateOf = (i: number): { state: PersonState; deleteAfter?: string } => {
    if (PLANT.recordSuspendedButActive.includes(i)) return { state: "suspended", deleteAfter: FUTURE };
    if (PLANT.suspendedRecordWithoutRetention.includes(i)) return { state: "suspended" };
    if (PLANT.suspendedWithRetention.includes(i)) return { state: "suspended", deleteAfter: FUTURE };
    return { state: "active" };
  };
  await batchWrite(
    users.flatMap((user, i) => {
      if (skip.has(i)) return [];
      const { state, deleteAfter } = stateOf(i);
      return [personItem(user.emails[0] ?? "", user.id, state, deleteAfter)];
    }),
  );
  for (const i of [
    ...PLANT.noRecordSuspended,
    ...PLANT.suspendedByHandRecordActive,
    ...PLANT.suspendedRecordWithoutRetention,
    ...PLANT.suspendedWithRetention,
  ])
    h.sandbox.byHand.suspendUser(users[i]?.id ?? "");
  for (const i of PLANT.deletedByHandRecordActive) h.sandbox.byHand.deleteUser(users[i]?.id ?? "");
});
afterAll(() => h.stop());

describe("drift reconciliation", () => {
  it(`over ${USERS} sandbox users finds exactly the planted drift, on demand through the API and the worker`, async () => {
    const users = h.sandbox.state.users({ state: "all" });
    const ids = (indexes: number[]) => indexes.map((i) => users[i]?.id).sort();
    const api = apiOf(h.service);
    const client = { name: "auditor", scopes: ["read", "admin"] };
    const started = performance.now();
    // Five at once start one pass: the others answer the running report.
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => callApi(api, { method: "POST", path: "/v1/reconcile", client })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const accepted = answers.find((answer) => answer.status === 202) ?? answers[0]!;
    expect(new Set(answers.map((answer) => answer.body.report_id))).toEqual(
      new Set([accepted.body.report_id]),
    );
    expect(accepted.body).toMatchObject({
      status: "running",
      links: { self: `/v1/reconcile/${accepted.body.report_id}` },
    });

    let report = (await callApi(api, { method: "GET", path: accepted.body.links.self, client })).body;
    const deadline = Date.now() + 20_000;
    while (report.status === "running" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      report = (await callApi(api, { method: "GET", path: accepted.body.links.self, client })).body;
    }
    const elapsedMs = performance.now() - started;
    expect(report.status, JSON.stringify(report)).toBe("succeeded");
    expect(report).toMatchObject({ trigger: "api", requested_by: "auditor", truncated: false });

    const listed = (kind: string) => (report[kind] as { user_id: string }[]).map((e) => e.user_id).sort();
    expect(listed("unknown_in_dialpad")).toEqual(ids([...PLANT.noRecord, ...PLANT.noRecordSuspended]));
    expect(listed("state_mismatch")).toEqual(
      ids([
        ...PLANT.recordSuspendedButActive,
        ...PLANT.suspendedByHandRecordActive,
        ...PLANT.deletedByHandRecordActive,
      ]),
    );
    expect(listed("suspended_without_retention")).toEqual(
      ids([
        ...PLANT.noRecordSuspended,
        ...PLANT.suspendedByHandRecordActive,
        ...PLANT.suspendedRecordWithoutRetention,
      ]),
    );
    const deletedEntry = report.state_mismatch.find((e: { user_id: string }) => e.user_id === users[60]?.id);
    expect(deletedEntry).toMatchObject({ dialpad_state: "deleted", record_state: "active" });
    expect(report.counts).toEqual({
      dialpad_users: USERS - PLANT.deletedByHandRecordActive.length,
      deleted_users_checked: PLANT.deletedByHandRecordActive.length,
      records_matched: USERS - 11 - PLANT.deletedByHandRecordActive.length,
      unknown_in_dialpad: 11,
      state_mismatch: 10,
      suspended_without_retention: 5,
      drifted_users: 11 + 10 + 1,
    });
    // The report ends before the run reports its drift count: wait for the hook, not the report.
    await expect.poll(() => driftCounts).toEqual([22]);
    console.info(`reconciliation of ${USERS} users (API → worker → report): ${Math.round(elapsedMs)} ms`);

    // Once it finished, the next request starts a new pass.
    const next = await callApi(api, { method: "POST", path: "/v1/reconcile", client });
    expect(next.status).toBe(202);
    expect(next.body.report_id).not.toBe(accepted.body.report_id);
    await expect
      .poll(
        async () => (await callApi(api, { method: "GET", path: next.body.links.self, client })).body.status,
        {
          timeout: 20_000,
        },
      )
      .toBe("succeeded");

    const missing = await callApi(api, { method: "GET", path: "/v1/reconcile/no-such-report", client });
    expect(missing.status).toBe(404);
  });

  it(`keeps every count but lists at most ${MAX_LISTED} users per kind`, async () => {
    const findings = await findDrift(h.service.dialpad.bulk, {
      findByUserId: async () => undefined,
      get: async () => undefined,
    });
    expect(findings.counts.unknown_in_dialpad).toBe(USERS - 2);
    expect(findings.unknown_in_dialpad).toHaveLength(MAX_LISTED);
    expect(findings.truncated).toBe(true);
  });
});
