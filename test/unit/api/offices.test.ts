/**
 * `GET /v1/offices` answers from the stored office list and seat readings, never from Dialpad:
 * nothing stored is a 503 with Retry-After; stale or missing figures ask the worker for one refresh
 * (bulk lane) and are answered as they are, with `as_of`.
 */
import { describe, expect, it } from "vitest";
import { refreshOfficeSeats } from "../../../shared/lifecycle/office-seats";
import { callApi } from "../../support/api-caller";
import { memoryApi, memoryOfficeSeats } from "../support/memory-api";
import { memoryService } from "../support/memory-service";

const reader = { name: "bulk-tool", scopes: ["read"] };

function setUp() {
  const service = memoryService();
  const berlin = service.dialpad.addOffice("Berlin", { talk_lines: 2, sell_lines: 0 });
  const officeSeats = memoryOfficeSeats(service);
  const api = memoryApi(service, {}, officeSeats.deps);
  const list = () => callApi(api, { method: "GET", path: "/v1/offices", client: reader });
  // What the worker does with an office_refresh message.
  const refresh = () =>
    refreshOfficeSeats({
      dialpad: service.dialpad,
      offices: officeSeats.deps.offices,
      seats: service.lifecycle.seats,
      now: officeSeats.deps.now,
    });
  return { service, berlin, list, refresh, refreshesAsked: officeSeats.refreshesAsked };
}

describe("GET /v1/offices", () => {
  it("answers 503 with Retry-After before the first reading, and asks the worker once", async () => {
    const { service, list, refreshesAsked } = setUp();
    const first = await list();
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("5");
    expect(first.body.error.code).toBe("offices_not_read_yet");
    expect((await list()).status).toBe(503);
    expect(refreshesAsked).toEqual([{ type: "office_refresh" }]);
    expect(service.dialpad.calls).toEqual([]);
  });

  it("lists what the worker stored, with as_of, without a Dialpad request", async () => {
    const { service, list, refresh, refreshesAsked } = setUp();
    await refresh();
    const readAt = service.clock.now().toISOString();
    const callsAfterRefresh = service.dialpad.calls.length;
    service.clock.advance(10_000);

    const answer = await list();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ as_of: readAt, refresh_requested: false });
    expect(answer.body.items).toContainEqual({
      office_id: expect.any(String),
      name: "Berlin",
      seats: { talk_lines: 2, sell_lines: 0, contact_center_lines: 10 },
      as_of: readAt,
    });
    expect(service.dialpad.calls).toHaveLength(callsAfterRefresh);
    expect(refreshesAsked).toEqual([]);
  });

  it("counts down the seats a job takes", async () => {
    const { service, berlin, list, refresh } = setUp();
    await refresh();
    await service.lifecycle.seats.claim(berlin.id, "talk_lines");
    const answer = await list();
    expect(
      answer.body.items.find((office: { name: string }) => office.name === "Berlin").seats.talk_lines,
    ).toBe(1);
  });

  it("answers stale figures as they are, and asks for one refresh per minute", async () => {
    const { service, list, refresh, refreshesAsked } = setUp();
    await refresh();
    const readAt = service.clock.now().toISOString();
    service.clock.advance(61_000);

    const stale = await list();
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ as_of: readAt, refresh_requested: true });
    await list();
    expect(refreshesAsked).toHaveLength(1);

    await refresh();
    const fresh = await list();
    expect(fresh.body).toMatchObject({ as_of: service.clock.now().toISOString(), refresh_requested: false });
  });

  it("shows an office without a reading as such, and asks for a refresh", async () => {
    const { service, berlin, list, refresh, refreshesAsked } = setUp();
    await refresh();
    await service.lifecycle.seats.forget(berlin.id);
    const answer = await list();
    expect(answer.body.refresh_requested).toBe(true);
    expect(answer.body.items).toContainEqual({
      office_id: berlin.id,
      name: "Berlin",
      seats: {},
      as_of: null,
    });
    expect(refreshesAsked).toHaveLength(1);
  });
});
