/**
 * DIALPAD_BASE_URL + DIALPAD_API_KEY point local mode at another Dialpad-compatible server: a
 * sandbox started separately here stands in for it. Local mode must drive that server, register
 * its change-log webhook there, and start no sandbox of its own. This instance runs through
 * `npm start` itself, and is stopped by a SIGTERM to npm alone (which npm's shell does not pass on).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../local/sandbox/index";
import {
  eventually,
  type LocalInstance,
  processesBelow,
  startLocalInstance,
  stillRunningAfter,
} from "./support/local-instance";

const API_KEY = `external-${randomUUID()}`;
let external: Sandbox;
let local: LocalInstance;

beforeAll(async () => {
  external = await startSandbox({ apiKey: API_KEY, latencyMs: 20, jitterMs: 0 });
  local = await startLocalInstance(
    { PORT: "0", DIALPAD_BASE_URL: external.baseUrl, DIALPAD_API_KEY: API_KEY },
    { via: "npm" },
  );
}, 90_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
  await external?.stop();
});

it("starts no sandbox of its own and says which server it uses", () => {
  expect(local.sandboxUrl).toBeUndefined();
  expect(local.output()).not.toContain("Dialpad sandbox at");
  expect(local.output()).toContain(`Dialpad: ${external.baseUrl} (DIALPAD_BASE_URL; no sandbox started)`);
});

it("registers its signed change-log webhook on that server", () => {
  expect(external.state.snapshot().webhooks).toEqual([
    expect.objectContaining({ hookUrl: `${local.url}/v1/webhooks/dialpad`, signed: true, subscribed: true }),
  ]);
});

it("onboards into that server", async () => {
  const email = `ext-${randomUUID().slice(0, 8)}@example.com`;
  const submitted = await local.request("POST", "/v1/onboard", {
    body: { email, first_name: "Ext", last_name: "Ernal", office_name: "HQ", area_code: "212" },
  });
  expect(submitted.status).toBe(202);
  const job = await eventually("the onboarding to finish", async () => {
    const { body } = await local.request("GET", `/v1/jobs/${submitted.body.job_id}`);
    return body.status === "queued" || body.status === "running" ? undefined : body;
  });
  expect(job).toMatchObject({ status: "succeeded" });
  expect(external.state.userByEmail(email)).toMatchObject({ id: job.user_id, state: "active" });
  expect(external.state.userByEmail(email)?.phoneNumbers[0]).toMatch(/^\+1212/);
});

it("stops everything within 5 s when npm alone gets SIGTERM", async () => {
  const processes = processesBelow(local.child.pid as number);
  expect(processes.map((p) => p.commandLine).join("\n")).toContain("DynamoDBLocal.jar");
  const { ms } = await local.stop("SIGTERM");
  expect(await stillRunningAfter(processes, 5000 - ms)).toEqual([]);
});
