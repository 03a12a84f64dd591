import { afterAll, beforeAll, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import { DialpadClient } from "../../shared/dialpad/client";
import { OfficeDirectory } from "../../shared/lifecycle/office-directory";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ latencyMs: 20, jitterMs: 0, rateLimitPerSecond: 1000 });
});
afterAll(() => sandbox.stop());

it("resolves exact office names with one listing shared by concurrent callers, and cached after", async () => {
  const apiKey = { get: async () => sandbox.apiKey, refresh: async () => sandbox.apiKey };
  const directory = new OfficeDirectory(new DialpadClient({ baseUrl: sandbox.baseUrl, apiKey }));
  sandbox.resetStats();
  const found = await Promise.all(Array.from({ length: 10 }, () => directory.findByName("HQ")));
  expect(new Set(found.map((office) => office?.id))).toEqual(new Set([sandbox.state.office("HQ")?.id]));
  expect(await directory.findByName("Remote")).toMatchObject({ name: "Remote" });
  // 13 offices in pages of 10: one listing is two requests, whoever asked.
  expect(sandbox.stats().requestsByRoute["GET /offices"]).toBe(2);
  expect(await directory.findByName("hq")).toBeUndefined(); // exact names only (a miss re-lists once)
});
