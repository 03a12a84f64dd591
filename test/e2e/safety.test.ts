/**
 * Issue 9's scenarios (and issue 18's approvals and mass-change guard) end to end: local mode (`npm start`) with a clients file of three clients, driven
 * only over HTTP (the API and the sandbox's /__sandbox/ routes). Each way the service could be turned
 * against the company now ends safely (403, or a job failed with its documented code, Dialpad
 * unchanged), and the legitimate path still works. One instance; RETENTION_DAYS=0 and a one-second
 * sweep, so any deletion that could happen, happens at once.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../shared/auth/hash-token";
import { eventually, type LocalInstance, startLocalInstance } from "./support/local-instance";
import { sandboxByHand } from "./support/sandbox-control";

const CLIENTS = {
  ticketing: { token: `tk-${randomUUID()}`, scopes: ["onboard", "offboard", "read"] },
  approver: { token: `ap-${randomUUID()}`, scopes: ["approve", "read"] },
  admin: { token: `ad-${randomUUID()}`, scopes: ["admin", "onboard", "offboard", "read"] },
  /** Offboards and approves: separation of duties must still stop it approving its own offboards. */
  offboardApprover: { token: `oa-${randomUUID()}`, scopes: ["offboard", "approve", "read"] },
  /** Guarded by the mass-change guard: its third offboard within 15 minutes is held. */
  hrFeed: { token: `hr-${randomUUID()}`, scopes: ["offboard", "approve", "read"], mass_offboard_limit: 2 },
} as const;
type Client = keyof typeof CLIENTS;

interface SandboxUserState {
  id: string;
  emails: string[];
  state: string;
  firstName?: string;
  isSuperAdmin: boolean;
  phoneNumbers: string[];
  callCenterIds: string[];
}
interface SandboxSnapshot {
  users: SandboxUserState[];
  callCenters: { id: string; name: string }[];
  numbers: { number: string; status: string; targetId?: string }[];
}

let local: LocalInstance;
let sandboxUrl: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifecycle-clients-"));
  const clientsFile = join(dir, "clients.json");
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: Object.entries(CLIENTS).map(([name, { token, ...entry }]) => ({
        name,
        token_sha256: hashToken(token),
        ...entry,
      })),
    }),
  );
  local = await startLocalInstance({
    PORT: "0",
    LOCAL_API_TOKEN: `e2e-${randomUUID()}`,
    LOCAL_CLIENTS_FILE: clientsFile,
    RETENTION_DAYS: "0",
    SWEEP_INTERVAL_SECONDS: "1",
    DIALPAD_WEBHOOK_SECRET: `whsec-${randomUUID()}`,
  });
  sandboxUrl = local.sandboxUrl ?? "";
}, 120_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (client: Client, method: string, path: string, body?: unknown) =>
  local.request(method, path, { token: CLIENTS[client].token, ...(body !== undefined ? { body } : {}) });

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;
const person = (email: string) => ({ email, first_name: "Pat", last_name: "Tester", office_name: "HQ" });

async function snapshot(): Promise<SandboxSnapshot> {
  const response = await fetch(`${sandboxUrl}/__sandbox/state`);
  return (await response.json()) as SandboxSnapshot;
}
const dialpadUser = async (id: string) => (await snapshot()).users.find((user) => user.id === id);
const usersWithEmail = async (email: string) =>
  (await snapshot()).users.filter((user) => user.emails.includes(email) && user.state !== "deleted");

async function finishedJob(client: Client, jobId: string) {
  return eventually(
    `job ${jobId} to finish`,
    async () => {
      const { body } = await as(client, "GET", `/v1/jobs/${jobId}`);
      return ["succeeded", "failed", "cancelled"].includes(body.status) ? body : undefined;
    },
    60_000,
  );
}

/** Submits and waits for the job; answers it. */
async function run(client: Client, path: string, body: unknown) {
  const submitted = await as(client, "POST", path, body);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  return finishedJob(client, submitted.body.job_id);
}

async function byHandUser(email: string): Promise<SandboxUserState> {
  return (await sandboxByHand(sandboxUrl, "/users", {
    email,
    first_name: "Hand",
    last_name: "Made",
  })) as SandboxUserState;
}

describe("issue 9's scenarios end safely", () => {
  it.concurrent("a client with mass_offboard_limit 2 offboards 3 people: the third is held, Dialpad unchanged, until another client releases it", async () => {
    const leavers = await Promise.all([1, 2, 3].map((i) => byHandUser(unique(`mass${i}`))));
    const jobs = [];
    for (const leaver of leavers) {
      const accepted = await as("hrFeed", "POST", "/v1/offboard", { email: leaver.emails[0] });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      jobs.push(accepted.body);
    }
    expect(jobs.map((job) => job.status)).toEqual(["queued", "queued", "held"]);
    const held = jobs[2];
    for (const job of jobs.slice(0, 2))
      expect((await finishedJob("hrFeed", job.job_id)).status).toBe("succeeded");
    expect(await dialpadUser(leavers[2]?.id ?? "")).toMatchObject({ state: "active" });
    const listed = await as("approver", "GET", "/v1/jobs?status=held&kind=offboard");
    expect(listed.body.items.map((job: { job_id: string }) => job.job_id)).toContain(held.job_id);

    const release = `/v1/jobs/${held.job_id}/release`;
    expect((await as("hrFeed", "POST", release)).body.error.code).toBe("self_approval");
    expect((await as("approver", "POST", release)).body).toMatchObject({
      status: "queued",
      released_by: "approver",
    });
    expect((await finishedJob("approver", held.job_id)).status).toBe("succeeded");
    // Suspended, or already deleted: RETENTION_DAYS=0 and a one-second sweep.
    expect(["suspended", "deleted"]).toContain((await dialpadUser(leavers[2]?.id ?? ""))?.state);
  });

  it.concurrent("a company super admin: only an admin client grants it; a ticketing client can neither offboard, adopt nor approve", async () => {
    const email = unique("boss");
    expect(
      (await as("ticketing", "POST", "/v1/onboard", { ...person(email), admin_type: "company" })).status,
    ).toBe(403);
    expect(await usersWithEmail(email)).toEqual([]);

    const granted = await run("admin", "/v1/onboard", { ...person(email), admin_type: "company" });
    expect(granted.status, JSON.stringify(granted)).toBe("succeeded");
    expect(await dialpadUser(granted.user_id)).toMatchObject({ state: "active", isSuperAdmin: true });

    const offboard = await run("ticketing", "/v1/offboard", { email });
    expect(offboard).toMatchObject({ status: "failed", error: { code: "privileged_user" } });
    const adopt = await run("ticketing", "/v1/onboard", { ...person(email), first_name: "Mallory" });
    expect(adopt).toMatchObject({ status: "failed", error: { code: "privileged_user" } });
    expect(await dialpadUser(granted.user_id)).toMatchObject({
      state: "active",
      firstName: "Pat",
      isSuperAdmin: true,
    });
    expect((await as("ticketing", "POST", `/v1/users/${email}/approve-deletion`, {})).status).toBe(403);
  });

  it.concurrent("an onboard client cannot make an existing account a company admin; an admin client can", async () => {
    const existing = await byHandUser(unique("existing"));
    const email = existing.emails[0] ?? "";
    expect(
      (await as("ticketing", "POST", "/v1/onboard", { ...person(email), admin_type: "company" })).status,
    ).toBe(403);
    expect(await dialpadUser(existing.id)).toMatchObject({ isSuperAdmin: false });

    const granted = await run("admin", "/v1/onboard", { ...person(email), admin_type: "company" });
    expect(granted.status, JSON.stringify(granted)).toBe("succeeded");
    expect(granted.user_id).toBe(existing.id);
    expect(await dialpadUser(existing.id)).toMatchObject({ state: "active", isSuperAdmin: true });
  });

  it.concurrent("an offboard whose email and user_id name different people fails identity_mismatch and changes nothing", async () => {
    const [alice, bob] = await Promise.all([byHandUser(unique("alice")), byHandUser(unique("bob"))]);
    const done = await run("ticketing", "/v1/offboard", { email: alice.emails[0], user_id: bob.id });
    expect(done).toMatchObject({ status: "failed", error: { code: "identity_mismatch" } });
    expect(await dialpadUser(alice.id)).toMatchObject({ state: "active" });
    expect(await dialpadUser(bob.id)).toMatchObject({ state: "active" });
  });

  it.concurrent("a suspended account is reactivated only with rehire: true, as the same Dialpad user", async () => {
    const leaver = await byHandUser(unique("leaver"));
    const email = leaver.emails[0] ?? "";
    await sandboxByHand(sandboxUrl, `/users/${leaver.id}/suspend`);

    const refused = await run("ticketing", "/v1/onboard", person(email));
    expect(refused).toMatchObject({ status: "failed", error: { code: "rehire_required" } });
    expect(await dialpadUser(leaver.id)).toMatchObject({ state: "suspended" });

    const rehired = await run("ticketing", "/v1/onboard", { ...person(email), rehire: true });
    expect(rehired.status, JSON.stringify(rehired)).toBe("succeeded");
    expect(rehired.user_id).toBe(leaver.id);
    expect(await dialpadUser(leaver.id)).toMatchObject({ state: "active" });
    expect(await usersWithEmail(email)).toHaveLength(1);
  });

  it.concurrent("a stale onboarding ticket replayed after the offboard answers its old job and brings no one back", async () => {
    const email = unique("replayed");
    const ticket = { system: "jira", id: `HR-${randomUUID().slice(0, 6)}` };
    const onboard = await run("ticketing", "/v1/onboard", { ...person(email), ticket });
    expect(onboard.status).toBe("succeeded");
    expect((await run("ticketing", "/v1/offboard", { email })).status).toBe("succeeded");

    const replay = await as("ticketing", "POST", "/v1/onboard", { ...person(email), ticket });
    expect(replay.status).toBe(200);
    expect(replay.body.job_id).toBe(onboard.job_id);
    expect((await dialpadUser(onboard.user_id))?.state).not.toBe("active");
    expect((await usersWithEmail(email)).filter((user) => user.state === "active")).toEqual([]);
  });

  it.concurrent("a suspension made by hand is deleted only after an approve client approves, telephony cleaned up first", async () => {
    const state = await snapshot();
    const support = state.callCenters.find((callCenter) => callCenter.name === "Support");
    const email = unique("on-leave");
    const onboard = await run("ticketing", "/v1/onboard", {
      ...person(email),
      area_code: "415",
      call_center_ids: support ? [support.id] : [],
    });
    expect(onboard.status, JSON.stringify(onboard)).toBe("succeeded");
    const userId: string = onboard.user_id;
    const number = (await dialpadUser(userId))?.phoneNumbers[0];
    expect(number).toBeDefined();

    // Suspended by hand in Dialpad: the signed webhook tells us; retention (0 days) starts.
    await sandboxByHand(sandboxUrl, `/users/${userId}/suspend`);
    const record = await eventually("the webhook to record the hand suspension", async () => {
      const { body } = await as("ticketing", "GET", `/v1/users/${email}`);
      return body.state === "suspended" ? body : undefined;
    });
    expect(record).toMatchObject({ deletion_requires_approval: true, delete_after: expect.any(String) });

    // A control person offboarded through the API afterwards (due later, no approval needed): once
    // the sweeper has deleted it, it has also passed over the hand suspension, which stays.
    const control = unique("control");
    const controlJob = await run("ticketing", "/v1/onboard", person(control));
    expect((await run("ticketing", "/v1/offboard", { email: control })).status).toBe("succeeded");
    await eventually("the sweeper to delete the control person", async () =>
      (await dialpadUser(controlJob.user_id))?.state === "deleted" ? true : undefined,
    );
    expect(await dialpadUser(userId)).toMatchObject({ state: "suspended" });

    expect((await as("ticketing", "POST", `/v1/users/${email}/approve-deletion`, {})).status).toBe(403);
    const approved = await as("approver", "POST", `/v1/users/${email}/approve-deletion`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const deleted = await eventually("the approved deletion", async () => {
      const { body } = await as("ticketing", "GET", `/v1/users/${email}`);
      return body.state === "deleted" ? body : undefined;
    });
    expect(await dialpadUser(userId)).toMatchObject({ state: "deleted" });
    // Telephony first: out of the call center and the number back to the company, then DELETE.
    const deleteJobId = deleted.history.find(
      (entry: { action: string }) => entry.action === "deleted",
    )?.job_id;
    const deleteJob = await finishedJob("ticketing", deleteJobId);
    const order = deleteJob.steps.map(
      (step: { name: string; status: string }) => `${step.name}:${step.status}`,
    );
    expect(order).toEqual([
      "reread_user:succeeded",
      "remove_from_call_centers:succeeded",
      "park_numbers:succeeded",
      "delete_user:succeeded",
      "record_deletion:succeeded",
    ]);
    // Parked in the user's office, still the company's (never unassigned).
    const held = (await snapshot()).numbers.find((entry) => entry.number === number);
    expect(held).toMatchObject({ status: "office" });
  });

  it.concurrent("an offboard-only client cannot shorten the retention an admin client set", async () => {
    const email = unique("ten-years");
    expect((await run("admin", "/v1/onboard", person(email))).status).toBe("succeeded");
    expect((await run("admin", "/v1/offboard", { email, retention_days: 3650 })).status).toBe("succeeded");
    const { body: before } = await as("ticketing", "GET", `/v1/users/${email}`);
    const again = await run("ticketing", "/v1/offboard", { email });
    expect(again.status, JSON.stringify(again)).toBe("succeeded");
    expect(again.steps.at(-1).detail).toContain(`kept the later deadline ${before.delete_after}`);
    const { body: after } = await as("ticketing", "GET", `/v1/users/${email}`);
    expect(after).toMatchObject({ state: "suspended", delete_after: before.delete_after });
  });

  it.concurrent("the client of a failed offboard cannot approve the person's deletion; another approve client can", async () => {
    const email = unique("failed-offboard");
    const onboard = await run("ticketing", "/v1/onboard", person(email));
    expect(onboard.status).toBe("succeeded");
    const stranger = await byHandUser(unique("stranger"));
    const failed = await run("offboardApprover", "/v1/offboard", { email, user_id: stranger.id });
    expect(failed).toMatchObject({ status: "failed", error: { code: "identity_mismatch" } });
    await sandboxByHand(sandboxUrl, `/users/${onboard.user_id}/suspend`);
    await eventually("the webhook to record the suspension", async () => {
      const { body } = await as("ticketing", "GET", `/v1/users/${email}`);
      return body.state === "suspended" ? body : undefined;
    });
    const refused = await as("offboardApprover", "POST", `/v1/users/${email}/approve-deletion`, {});
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "self_approval" } } });
    const approved = await as("approver", "POST", `/v1/users/${email}/approve-deletion`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  });

  it.concurrent("reconciliation needs admin and runs once however often it is asked", async () => {
    expect((await as("ticketing", "POST", "/v1/reconcile")).status).toBe(403);
    const answers = await Promise.all(Array.from({ length: 5 }, () => as("admin", "POST", "/v1/reconcile")));
    const ids = new Set(answers.map((answer) => answer.body.report_id));
    expect(ids.size).toBe(1);
    // One of them started it (202), unless the scheduled run was already going (all 200).
    expect(answers.filter((answer) => answer.status === 202).length).toBeLessThanOrEqual(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 202)).toBe(true);
  });

  it.concurrent("a malformed path encoding is a 400, not a 500", async () => {
    const answer = await as("ticketing", "GET", "/v1/users/%E0%A4%A");
    expect(answer.status).toBe(400);
  });
});
