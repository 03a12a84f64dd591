/**
 * `GET /v1/jobs` and `GET /v1/users` over DynamoDB Local: filters, newest first, cursor paging
 * (an opaque cursor that is refused when tampered with), all from indexes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { type ApiCall, apiOf, callApi } from "../support/api-caller";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const client = { name: "servicenow", scopes: ["onboard", "offboard", "read"] };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5)); // distinct created_at

describe("GET /v1/jobs", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const call = (c: Omit<ApiCall, "client">) => callApi(api, { ...c, client });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
    const submit = async (name: string, path: string, body: object) => {
      const answer = await call({ method: "POST", path, body });
      expect(answer.status).toBe(202);
      ids[name] = answer.body.job_id;
      await tick();
    };
    await submit("olderFailed", "/v1/onboard", {
      email: "first@example.com",
      first_name: "First",
      last_name: "Failed",
      office_name: "HQ",
      ticket: { system: "jira", id: "IT-7" },
    });
    await submit("queued", "/v1/offboard", {
      email: "queued@example.com",
      ticket: { system: "jira", id: "IT-8" },
    });
    await submit("newerFailed", "/v1/offboard", {
      email: "second@example.com",
      ticket: { system: "jira", id: "IT-7" },
    });
    for (const name of ["olderFailed", "newerFailed"]) {
      await h.service.jobs.finish(ids[name] as string, new Date().toISOString(), {
        status: "failed",
        error: { code: "office_not_found", message: "No office has that id or exact name." },
      });
    }
  });
  afterAll(() => h.stop());

  it("pages through two failed jobs with limit=1, newest first, with next_cursor", async () => {
    const seen: string[] = [];
    let path = "/v1/jobs?status=failed&limit=1";
    for (let pages = 0; pages < 5; pages += 1) {
      const page = await call({ method: "GET", path });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((job: { job_id: string; status: string }) => job.job_id));
      for (const job of page.body.items) expect(job.status).toBe("failed");
      if (!page.body.next_cursor) break;
      path = `/v1/jobs?status=failed&limit=1&cursor=${encodeURIComponent(page.body.next_cursor)}`;
    }
    expect(seen).toEqual([ids.newerFailed, ids.olderFailed]);
  });

  it("finds a ticket's jobs, newest first", async () => {
    const page = await call({ method: "GET", path: "/v1/jobs?ticket_system=jira&ticket_id=IT-7" });
    expect(page.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([
      ids.newerFailed,
      ids.olderFailed,
    ]);
    expect(page.body.next_cursor).toBeUndefined();
  });

  it("filters by email, kind and since", async () => {
    const byEmail = await call({ method: "GET", path: "/v1/jobs?email=QUEUED%40example.com" });
    expect(byEmail.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([ids.queued]);
    const offboards = await call({ method: "GET", path: "/v1/jobs?kind=offboard" });
    expect(offboards.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([
      ids.newerFailed,
      ids.queued,
    ]);
    const first = await h.service.jobs.get(ids.queued as string);
    const since = await call({
      method: "GET",
      path: `/v1/jobs?since=${encodeURIComponent(first?.created_at ?? "")}`,
    });
    expect(since.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([
      ids.newerFailed,
      ids.queued,
    ]);
  });

  it.each([
    ["a tampered cursor", "/v1/jobs?cursor=eyJpIjoiZ3NpMyIsImsiOnsicGsiOjF9fQ", "invalid_cursor"],
    ["a cursor that is not base64 JSON", "/v1/jobs?cursor=not-a-cursor", "invalid_cursor"],
    ["a limit over 100", "/v1/jobs?limit=101", "validation_failed"],
    ["a ticket id without its system", "/v1/jobs?ticket_id=IT-7", "validation_failed"],
    ["an unknown filter", "/v1/jobs?state=failed", "validation_failed"],
    ["a bad since", "/v1/jobs?since=yesterday", "validation_failed"],
  ])("refuses %s with 400", async (_name, path, code) => {
    const answer = await call({ method: "GET", path });
    expect(answer).toMatchObject({ status: 400, body: { error: { code } } });
  });

  it("refuses a cursor of another list", async () => {
    const page = await call({ method: "GET", path: "/v1/jobs?limit=1" });
    expect(page.body.next_cursor).toEqual(expect.any(String));
    const answer = await call({
      method: "GET",
      path: `/v1/jobs?ticket_system=jira&ticket_id=IT-7&cursor=${encodeURIComponent(page.body.next_cursor)}`,
    });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: "invalid_cursor" } } });
  });
});

describe("GET /v1/users", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const call = (path: string) => callApi(api, { method: "GET", path, client });
  const emails = (page: { body: { items: { email: string }[] } }) => page.body.items.map((p) => p.email);

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
    const record = async (email: string, set: Record<string, unknown>, at: string) =>
      h.service.people.apply(email, {
        set: { updated_at: at, ...set },
        history: { at, action: "test", source: "worker" },
        historyId: `${email}#${at}`,
      });
    await record("active@example.com", { state: "active", user_id: "1" }, "2026-11-01T00:00:00.000Z");
    await record(
      "by.api@example.com",
      { state: "suspended", user_id: "2", delete_after: "2026-12-20T00:00:00.000Z" },
      "2026-11-02T00:00:00.000Z",
    );
    await record(
      "by.hand@example.com",
      {
        state: "suspended",
        user_id: "3",
        delete_after: "2026-12-10T00:00:00.000Z",
        deletion_requires_approval: true,
      },
      "2026-11-03T00:00:00.000Z",
    );
    await record(
      "held@example.com",
      {
        state: "active",
        user_id: "4",
        hold: { reason: "litigation", by: "legal", at: "2026-11-04T00:00:00.000Z" },
      },
      "2026-11-04T00:00:00.000Z",
    );
  });
  afterAll(() => h.stop());

  it("lists people most recently changed first, paged", async () => {
    const first = await call("/v1/users?limit=3");
    expect(emails(first)).toEqual(["held@example.com", "by.hand@example.com", "by.api@example.com"]);
    expect(first.body.items[0]).not.toHaveProperty("history");
    const rest = await call(`/v1/users?limit=3&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(emails(rest)).toEqual(["active@example.com"]);
  });

  it("filters by state", async () => {
    expect(emails(await call("/v1/users?state=active"))).toEqual(["held@example.com", "active@example.com"]);
  });

  it("lists pending deletions soonest first, those awaiting approval, and people on hold", async () => {
    expect(emails(await call("/v1/users?deletion=pending"))).toEqual([
      "by.hand@example.com",
      "by.api@example.com",
    ]);
    expect(emails(await call("/v1/users?deletion=awaiting_approval"))).toEqual(["by.hand@example.com"]);
    expect(emails(await call("/v1/users?deletion=held"))).toEqual(["held@example.com"]);
  });

  it("with approvals required everywhere, every pending deletion awaits approval until approved", async () => {
    const strict = apiOf(h.service, { requireDeletionApproval: true });
    const page = await callApi(strict, {
      method: "GET",
      path: "/v1/users?deletion=awaiting_approval",
      client,
    });
    expect(emails(page)).toEqual(["by.hand@example.com", "by.api@example.com"]);
  });

  it("drops a person from the held list when the hold is lifted", async () => {
    const at = "2026-11-05T00:00:00.000Z";
    await h.service.people.apply("held@example.com", {
      set: { updated_at: at },
      remove: ["hold"],
      history: { at, action: "hold_lifted", source: "api" },
      historyId: "lift",
    });
    expect(emails(await call("/v1/users?deletion=held"))).toEqual([]);
  });
});
