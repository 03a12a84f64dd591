/**
 * `GET /v1/offices` against the Dialpad sandbox over HTTP: every office with the seats left per
 * licence line as numbers; the office list kept for 30 s, the seats from the shared readings.
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
  const requestsTo = (route: string) => h.sandbox.stats().requestsByRoute[route] ?? 0;

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

  it("lists the offices once per 30 s and takes the seats from the shared readings the jobs use", async () => {
    let now = 0;
    const seats = h.service.lifecycle.seats;
    const directory = new OfficeSeatsDirectory(h.service.dialpad.bulk, seats, 30_000, () => now);
    const offices = await directory.list();
    const berlin = offices.find((office) => office.name === "Berlin")?.office_id ?? "";
    for (const office of offices) await seats.forget(office.office_id);

    const listings = requestsTo("GET /offices");
    const seatReads = requestsTo("GET /offices/{office_id}/available_licenses");
    const [first, second] = await Promise.all([directory.list(), directory.list()]);
    expect(second).toEqual(first);
    // The list is kept; each office's missing reading is read once for both requests.
    expect(requestsTo("GET /offices")).toBe(listings);
    expect(requestsTo("GET /offices/{office_id}/available_licenses")).toBe(seatReads + offices.length);

    // A job takes a seat: the forecast shows it, with no request to Dialpad.
    await seats.claim(berlin, "talk_lines");
    const after = await directory.list();
    expect(after.find((office) => office.office_id === berlin)?.seats.talk_lines).toBe(
      (first.find((office) => office.office_id === berlin)?.seats.talk_lines ?? 0) - 1,
    );
    expect(requestsTo("GET /offices/{office_id}/available_licenses")).toBe(seatReads + offices.length);

    now = 30_000;
    await directory.list();
    expect(requestsTo("GET /offices")).toBeGreaterThan(listings);
  });
});
