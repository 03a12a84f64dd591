/**
 * `GET /v1/offices` on the real parts (DynamoDB Local, the SQS server, the Dialpad sandbox over
 * HTTP, the worker on its event sources): the API answers from the store only; its first call asks
 * the worker for a refresh on the bulk queue, and once the worker has read the offices the listing
 * carries every office with its seats left per licence line, as numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { apiOf, callApi } from "../support/api-caller";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const reader = { name: "bulk-tool", scopes: ["read"] };

describe("GET /v1/offices", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const requestsTo = (route: string) => h.sandbox.stats().requestsByRoute[route] ?? 0;

  beforeAll(async () => {
    h = await startLifecycleHarness();
    api = apiOf(h.service);
  });
  afterAll(() => h.stop());

  it("asks the worker for the offices, then lists each with its seats left per licence line", async () => {
    const first = await callApi(api, { method: "GET", path: "/v1/offices", client: reader });
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("5");

    let answer = first;
    for (let attempt = 0; answer.status !== 200 && attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await callApi(api, { method: "GET", path: "/v1/offices", client: reader });
    }
    expect(answer.status).toBe(200);
    const names = answer.body.items.map((office: { name: string }) => office.name);
    expect(names).toEqual(expect.arrayContaining(["HQ", "London", "Berlin"]));
    const berlin = answer.body.items.find((office: { name: string }) => office.name === "Berlin");
    expect(berlin).toMatchObject({
      office_id: expect.any(String),
      seats: { talk_lines: 2, sell_lines: 0, contact_center_lines: 0 },
      as_of: expect.any(String),
    });
    expect(answer.body.as_of).toEqual(expect.any(String));

    // Answered from the store: listing again costs Dialpad nothing.
    const dialpadRequests =
      requestsTo("GET /offices") + requestsTo("GET /offices/{office_id}/available_licenses");
    await callApi(api, { method: "GET", path: "/v1/offices", client: reader });
    expect(requestsTo("GET /offices") + requestsTo("GET /offices/{office_id}/available_licenses")).toBe(
      dialpadRequests,
    );
  });
});
