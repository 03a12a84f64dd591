/**
 * Job-finished callbacks end to end: local mode (`tsx local/start.ts`) over HTTP, a callback receiver
 * served by this test on loopback (allowed in local mode only). The first delivery is answered 500
 * and must be retried; the retry's signature verifies with the check docs/integrations.md gives
 * integrators, for the asking client only (the local client, and a client of LOCAL_CLIENTS_FILE with
 * its own callback key); its body is the finished job as GET /v1/jobs/{id} shows it. Callback URLs at the
 * metadata address or a private address are refused with 400 and create nothing.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../shared/auth/hash-token";
import { docSnippet } from "../support/doc-snippet";
import { eventually, type LocalInstance, startLocalInstance } from "./support/local-instance";

const LOCAL_CALLBACK_KEY = `cbk-${randomUUID()}`;
/** A second client, from LOCAL_CLIENTS_FILE, with its own token and callback key. */
const TICKETING = { name: "ticketing", token: `tk-${randomUUID()}`, callbackKey: `cbk-${randomUUID()}` };

interface Delivery {
  path: string;
  body: string;
  signature: string;
  answeredWith: number;
}

let local: LocalInstance;
let receiver: Server;
let receiverUrl: string;
let dir: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      // The first delivery fails; every later one succeeds.
      const answeredWith = deliveries.length === 0 ? 500 : 200;
      deliveries.push({
        path: request.url ?? "",
        body,
        signature: String(request.headers["dialpad-lifecycle-signature"]),
        answeredWith,
      });
      response.writeHead(answeredWith).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dialpad`;
  dir = await mkdtemp(join(tmpdir(), "callbacks-e2e-"));
  const clientsFile = join(dir, "clients.json");
  await writeFile(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          name: TICKETING.name,
          token_sha256: hashToken(TICKETING.token),
          scopes: ["onboard", "read"],
          callback_key: TICKETING.callbackKey,
        },
      ],
    }),
  );
  local = await startLocalInstance({
    PORT: "0",
    LOCAL_API_TOKEN: `e2e-${randomUUID()}`,
    LOCAL_CALLBACK_KEY,
    LOCAL_CLIENTS_FILE: clientsFile,
    // The first retry 1 s after the failure (30 s by default).
    CALLBACK_RETRY_BASE_SECONDS: "1",
  });
}, 90_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
  await new Promise((resolve) => receiver?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const person = () => ({
  email: `cb-${randomUUID().slice(0, 8)}@example.com`,
  first_name: "Callback",
  last_name: "Tester",
  office_name: "HQ",
  area_code: "415",
});

describe("job-finished callbacks", () => {
  it("retries a delivery answered 500, and the retry is the finished job, signed", async () => {
    const submitted = await local.request("POST", "/v1/onboard", {
      body: { ...person(), ticket: { system: "jira", id: "IT-77" }, callback_url: receiverUrl },
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.job_id as string;

    await eventually("a delivery answered 200", () => deliveries.find((d) => d.answeredWith === 200), 60_000);
    const [failed, retried] = deliveries;
    expect(failed?.answeredWith).toBe(500);
    expect(retried?.answeredWith).toBe(200);

    const verifyCallback = await documentedCheck();
    const signed = [retried?.body ?? "", retried?.signature ?? ""] as const;
    expect(verifyCallback(...signed, "local", LOCAL_CALLBACK_KEY)).toBe(true);
    expect(verifyCallback(...signed, TICKETING.name, TICKETING.callbackKey)).toBe(false);

    const job = await local.request("GET", `/v1/jobs/${jobId}`);
    expect(job.body.status).toBe("succeeded");
    expect(JSON.parse(retried?.body ?? "")).toEqual(job.body);
    expect(JSON.parse(failed?.body ?? "")).toEqual(job.body);
    expect(local.output()).toMatch(/Callback failed; will retry/);
  }, 90_000);

  it("signs the callback of a LOCAL_CLIENTS_FILE client with that client's key, for that client only", async () => {
    const submitted = await local.request("POST", "/v1/onboard", {
      token: TICKETING.token,
      body: { ...person(), callback_url: receiverUrl.replace("/hooks/dialpad", "/hooks/ticketing") },
    });
    expect(submitted.status).toBe(202);
    const delivered = await eventually(
      "the ticketing client's callback",
      () => deliveries.find((d) => d.path === "/hooks/ticketing" && d.answeredWith === 200),
      60_000,
    );
    expect(JSON.parse(delivered.body).job_id).toBe(submitted.body.job_id);
    const verifyCallback = await documentedCheck();
    expect(verifyCallback(delivered.body, delivered.signature, TICKETING.name, TICKETING.callbackKey)).toBe(
      true,
    );
    // Replayed to the local client's receiver, it does not verify there.
    expect(verifyCallback(delivered.body, delivered.signature, "local", LOCAL_CALLBACK_KEY)).toBe(false);
  }, 90_000);

  it.each([
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://169.254.169.254/hook",
    "https://10.0.0.5/hook",
    "https://192.168.1.20/hook",
    "https://[fd00:ec2::254]/hook",
  ])("refuses callback_url %s with 400 and creates nothing", async (callbackUrl) => {
    const body = { ...person(), callback_url: callbackUrl };
    const refused = await local.request("POST", "/v1/onboard", { body });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("validation_failed");
    expect(refused.body.error.details.map((detail: { path: string }) => detail.path)).toEqual([
      "callback_url",
    ]);
    const user = await local.request("GET", `/v1/users/${encodeURIComponent(body.email)}`);
    expect(user.status).toBe(404);
  });
});

/** The Node.js check docs/integrations.md gives integrators, imported from the document's text. */
async function documentedCheck() {
  const file = join(dir, "verify-signature.mjs");
  await writeFile(file, await docSnippet("integrations.md", "verify-signature.mjs"));
  const { verifyCallback } = (await import(pathToFileURL(file).href)) as {
    verifyCallback: (body: string, header: string, client: string, callbackKey: string) => boolean;
  };
  return verifyCallback;
}
