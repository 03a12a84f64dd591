/**
 * The routes of movers, legal holds, imports and held jobs through the API function over DynamoDB
 * Local and SQS: scopes (revoking admin rights needs `admin`, holds need `legal_hold` and only their
 * placer or `admin` lifts one, imports `admin`, release and cancel `approve`), bad bodies refused
 * with nothing written, and what each answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { type ApiCall, apiOf, callApi } from "../support/api-caller";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const ticketing = { name: "servicenow", scopes: ["onboard", "offboard", "read"] };
const legal = { name: "legal", scopes: ["legal_hold", "read"] };
const otherLegal = { name: "hr", scopes: ["legal_hold", "approve", "read"] };
const admin = { name: "it-admin", scopes: ["admin", "onboard", "read"] };
const approver = { name: "security", scopes: ["approve", "read"] };

describe("update, hold and import routes", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const call = (c: ApiCall) => callApi(api, c);

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
    const now = new Date().toISOString();
    await h.service.people.apply("held@example.com", {
      set: { state: "active", user_id: "42", updated_at: now },
      history: { at: now, action: "onboarded", source: "worker" },
      historyId: "seed#held",
    });
  });
  afterAll(() => h.stop());

  it("accepts an update (202, kind update) and refuses revoking admin rights without admin (403)", async () => {
    const accepted = await call({
      method: "POST",
      path: "/v1/update",
      body: { email: "Mover@Example.com", office_name: "London", call_center_ids: ["1", 2] },
      client: ticketing,
    });
    expect(accepted).toMatchObject({ status: 202, body: { kind: "update", email: "mover@example.com" } });
    const refused = await call({
      method: "POST",
      path: "/v1/update",
      body: { email: "mover@example.com", admin_type: "none" },
      client: ticketing,
    });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    expect(
      (
        await call({
          method: "POST",
          path: "/v1/update",
          body: { email: "mover@example.com", admin_type: "none" },
          client: admin,
        })
      ).status,
    ).toBe(202);
  });

  it("refuses an update with nothing to change, both office fields or an unknown field (400 with each path)", async () => {
    const bad = await call({
      method: "POST",
      path: "/v1/update",
      body: { email: "mover@example.com", office_id: "1", office_name: "HQ", colour: "red" },
      client: ticketing,
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["office_name", "colour"]));
    const empty = await call({
      method: "POST",
      path: "/v1/update",
      body: { email: "a@example.com" },
      client: ticketing,
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].message).toMatch(/Nothing to change/);
  });

  it("refuses a bad number_handoff on offboard (400)", async () => {
    const bad = await call({
      method: "POST",
      path: "/v1/offboard",
      body: { email: "leaver@example.com", number_handoff: { to: "department" } },
      client: ticketing,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toMatch(/^number_handoff/);
  });

  it("places and lifts a legal hold with legal_hold (only its placer lifts it); 403 without, 404 for an unknown person", async () => {
    const path = "/v1/users/held%40example.com/hold";
    expect((await call({ method: "POST", path, body: { reason: "x" }, client: ticketing })).status).toBe(403);
    const approver = { name: "approver", scopes: ["approve", "read"] };
    expect((await call({ method: "POST", path, body: { reason: "x" }, client: approver })).status).toBe(403);
    expect(
      (
        await call({
          method: "POST",
          path: "/v1/users/nobody%40example.com/hold",
          body: { reason: "x" },
          client: legal,
        })
      ).status,
    ).toBe(404);
    expect((await call({ method: "POST", path, body: {}, client: legal })).status).toBe(400);
    const held = await call({ method: "POST", path, body: { reason: "litigation" }, client: legal });
    expect(held).toMatchObject({ status: 200, body: { hold: { reason: "litigation", by: "legal" } } });
    // The reason is the hold managers' business: a client without legal_hold or admin sees `held`.
    const read = await call({ method: "GET", path: "/v1/users/held%40example.com", client: ticketing });
    expect(read.body).toMatchObject({ held: true });
    expect(read.body).not.toHaveProperty("hold");
    expect(JSON.stringify(read.body)).not.toContain("litigation");
    const list = await call({ method: "GET", path: "/v1/users", client: ticketing });
    expect(JSON.stringify(list.body)).not.toContain("litigation");
    const managed = await call({ method: "GET", path: "/v1/users/held%40example.com", client: legal });
    expect(managed.body).toMatchObject({ held: true, hold: { reason: "litigation" } });
    const notOwner = await call({ method: "DELETE", path, client: otherLegal });
    expect(notOwner).toMatchObject({ status: 403, body: { error: { code: "not_hold_owner" } } });
    const lifted = await call({ method: "DELETE", path, client: legal });
    expect(lifted.status).toBe(200);
    expect(lifted.body.hold).toBeUndefined();
    expect(lifted.body.history.map((e: { action: string }) => e.action)).toEqual([
      "onboarded",
      "hold_placed",
      "hold_lifted",
    ]);
  });

  it("starts an import only with admin", async () => {
    expect((await call({ method: "POST", path: "/v1/import", client: ticketing })).status).toBe(403);
    const started = await call({
      method: "POST",
      path: "/v1/import",
      client: admin,
      headers: { "Idempotency-Key": "i-1" },
    });
    expect(started).toMatchObject({ status: 202, body: { kind: "import", status: "queued" } });
  });

  it("holds a guarded client's offboard past its limit, lists it as held; only another approve client releases it", async () => {
    const guarded = { name: "hr-feed", scopes: ["offboard", "approve", "read"], massOffboardLimit: 1 };
    const offboard = (email: string) =>
      call({ method: "POST", path: "/v1/offboard", body: { email }, client: guarded });
    expect((await offboard("first@example.com")).body.status).toBe("queued");
    const held = await offboard("second@example.com");
    expect(held).toMatchObject({ status: 202, body: { status: "held" } });
    const replay = await offboard("second@example.com");
    expect(replay).toMatchObject({ status: 200, body: { job_id: held.body.job_id, status: "held" } });
    const listed = await call({ method: "GET", path: "/v1/jobs?status=held", client: ticketing });
    expect(listed.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([held.body.job_id]);

    const release = `/v1/jobs/${held.body.job_id}/release`;
    expect(await call({ method: "POST", path: release, client: ticketing })).toMatchObject({
      status: 403,
      body: { error: { code: "forbidden" } },
    });
    expect(await call({ method: "POST", path: release, client: guarded })).toMatchObject({
      status: 403,
      body: { error: { code: "self_approval" } },
    });
    const bad = await call({ method: "POST", path: release, body: { colour: "red" }, client: approver });
    expect(bad.status).toBe(400);
    expect((await h.service.jobs.get(held.body.job_id))?.status).toBe("held");
    const released = await call({
      method: "POST",
      path: release,
      body: { reason: "checked" },
      client: approver,
    });
    expect(released).toMatchObject({ status: 200, body: { status: "queued", released_by: "security" } });
    expect(await call({ method: "POST", path: release, client: approver })).toMatchObject({
      status: 409,
      body: { error: { code: "not_held" } },
    });
  });

  it("cancels a queued job with approve, even the submitter's own; 409 once it is not held or queued", async () => {
    const submitter = { name: "hr-desk", scopes: ["offboard", "approve"] };
    const accepted = await call({
      method: "POST",
      path: "/v1/offboard",
      body: { email: "withdrawn@example.com" },
      client: submitter,
    });
    const cancel = `/v1/jobs/${accepted.body.job_id}/cancel`;
    expect((await call({ method: "POST", path: cancel, client: ticketing })).status).toBe(403);
    const cancelled = await call({
      method: "POST",
      path: cancel,
      body: { reason: "wrong person" },
      client: submitter,
    });
    expect(cancelled).toMatchObject({
      status: 200,
      body: { status: "cancelled", cancel_reason: expect.stringMatching(/hr-desk.*wrong person/) },
    });
    expect(await call({ method: "POST", path: cancel, client: submitter })).toMatchObject({
      status: 409,
      body: { error: { code: "not_cancellable" } },
    });
  });
});
