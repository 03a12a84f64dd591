/**
 * `GET /v1/offices` against the Dialpad sandbox over HTTP: every office with the seats left per
 * licence line as numbers, served from one listing for 30 s.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { OfficeSeatsDirectory } from "../../shared/lifecycle/office-seats";
import { apiOf, callApi } from "../support/api-caller";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const reader = { name: "bulk-tool", scopes: ["read"] };

describe("GET /v1/offices", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const officeRequests = () =>
    h.sandbox.stats().recentRequests.filter((r) => r.method === "GET" && r.path.includes("/offices")).length;

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
  });
  afterAll(() => h.stop());

  it("lists every office with its seats left per licence line", async () => {
    const answer = await callApi(api, { method: "GET", path: "/v1/offices", client: reader });
    expect(answer.status).toBe(200);
    const names = answer.body.items.map((office: { name: string }) => office.name);
    expect(names).toEqual(expect.arrayContaining(["HQ", "London", "Berlin"]));
    const berlin = answer.body.items.find((office: { name: string }) => office.name === "Berlin");
    expect(berlin.seats).toMatchObject({ talk_lines: 2, sell_lines: 0, contact_center_lines: 0 });
    expect(berlin.office_id).toEqual(expect.any(String));
  });

  it("answers from one listing for 30 s, then reads Dialpad again", async () => {
    let now = 0;
    const directory = new OfficeSeatsDirectory(h.service.dialpad.bulk, 30_000, () => now);
    const before = officeRequests();
    const [first, second] = await Promise.all([directory.list(), directory.list()]);
    const perListing = officeRequests() - before;
    expect(perListing).toBeGreaterThan(0);
    expect(second).toBe(first);
    now = 29_999;
    await directory.list();
    expect(officeRequests() - before).toBe(perListing);
    h.sandbox.seed.seats(first.find((office) => office.name === "Berlin")?.office_id ?? "", {
      talk_lines: 1,
    });
    now = 30_000;
    const fresh = await directory.list();
    expect(officeRequests() - before).toBe(2 * perListing);
    expect(fresh.find((office) => office.name === "Berlin")?.seats.talk_lines).toBe(1);
  });
});
