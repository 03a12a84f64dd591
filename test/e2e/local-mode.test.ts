/**
 * `npm start` end to end: local mode in a child process, driven only over HTTP (its API and the
 * embedded sandbox's /__sandbox/ routes), exactly as a user or a ticketing system would.
 * One instance for the whole file; the flows use different people so they can run side by side.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  type LocalInstance,
  processesBelow,
  startLocalInstance,
  stillRunningAfter,
} from "./support/local-instance";
import { sandboxByHand, sandboxState } from "./support/sandbox-control";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

let local: LocalInstance;
let sandboxUrl: string;

beforeAll(async () => {
  local = await startLocalInstance(
    {
      PORT: "0",
      LOCAL_API_TOKEN: `e2e-${randomUUID()}`,
      SWEEP_INTERVAL_SECONDS: "1",
      DIALPAD_WEBHOOK_SECRET: `whsec-${randomUUID()}`,
    },
    // Through npm, as a user starts it: Ctrl-C then reaches npm and its shell too.
    { via: "npm" },
  );
  sandboxUrl = local.sandboxUrl ?? "";
}, 90_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
});

const person = (name: string) => {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  return { email, first_name: name, last_name: "Tester", office_name: "HQ", area_code: "415" };
};

async function finishedJob(jobId: string) {
  return eventually(`job ${jobId} to finish`, async () => {
    const { status, body } = await local.request("GET", `/v1/jobs/${jobId}`);
    expect(status).toBe(200);
    return TERMINAL.has(body.status) ? body : undefined;
  });
}

async function onboarded(body: Record<string, unknown>) {
  const submitted = await local.request("POST", "/v1/onboard", { body });
  expect(submitted.status).toBe(202);
  const job = await finishedJob(submitted.body.job_id);
  expect(job, JSON.stringify(job)).toMatchObject({ status: "succeeded", kind: "onboard" });
  return job as { job_id: string; user_id: string };
}

describe("local mode over HTTP", () => {
  it("prints the ready line with the URL and the token, and the sandbox it started", async () => {
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.token).toMatch(/^e2e-/);
    expect(sandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The examples follow the ready line, possibly in a later chunk of output.
    await eventually("the curl examples", () =>
      local.output().includes(`curl -s ${local.url}/v1/health`) ? true : undefined,
    );
  });

  it("answers health without a token", async () => {
    expect(await local.request("GET", "/v1/health", { token: null })).toEqual({
      status: 200,
      body: { status: "ok" },
    });
  });

  it("refuses a missing or unknown token with 401 in the product's error shape", async () => {
    const body = person("nobody");
    for (const token of [null, "not-the-local-token"]) {
      const answer = await local.request("POST", "/v1/onboard", { body, token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  it("answers 404 JSON for a route that does not exist", async () => {
    const answer = await local.request("GET", "/v1/nothing-here");
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("route_not_found");
  });

  it("serves the OpenAPI document without a token", async () => {
    const answer = await local.request("GET", "/v1/openapi.json", { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe("3.1.0");
    expect(answer.body.paths["/v1/onboard"].post.security).toEqual([{ bearer: ["onboard"] }]);
  });

  it("answers 400 invalid_path, not 500, for a malformed path encoding", async () => {
    const answer = await local.request("GET", "/v1/users/%E0%A4%A");
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_path");
  });

  it("answers 400 with the bad fields for invalid input", async () => {
    const answer = await local.request("POST", "/v1/onboard", {
      body: { email: "not-an-email", first_name: "X", office_name: "HQ", colour: "blue" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("validation_failed");
    const paths = (answer.body.error.details as { path: string }[]).map((detail) => detail.path).join(" ");
    expect(paths).toContain("email");
    expect(paths).toContain("last_name");
  });

  it.concurrent("onboards into HQ with a 415 number and the Support call center, then offboards (suspended)", async () => {
    const support = (await sandboxState(sandboxUrl)).callCenters.find((cc) => cc.name === "Support");
    expect(support).toBeDefined();
    const ada = { ...person("ada"), call_center_ids: [support?.id] };
    const job = await onboarded(ada);

    const inDialpad = (await sandboxState(sandboxUrl)).users.find((user) => user.id === job.user_id);
    expect(inDialpad).toMatchObject({ state: "active", emails: [ada.email], callCenterIds: [support?.id] });
    expect(inDialpad?.phoneNumbers[0]).toMatch(/^\+1415/);
    const record = await local.request("GET", `/v1/users/${ada.email}`);
    expect(record.body).toMatchObject({ email: ada.email, user_id: job.user_id, state: "active" });

    const offboard = await local.request("POST", "/v1/offboard", {
      body: { email: ada.email, retention_days: 30 },
    });
    expect(offboard.status).toBe(202);
    expect(await finishedJob(offboard.body.job_id)).toMatchObject({ status: "succeeded", kind: "offboard" });
    const after = await local.request("GET", `/v1/users/${ada.email}`);
    expect(after.body).toMatchObject({
      state: "suspended",
      suspended_at: expect.any(String),
      delete_after: expect.any(String),
    });
    const suspended = (await sandboxState(sandboxUrl)).users.find((user) => user.id === job.user_id);
    expect(suspended).toMatchObject({ state: "suspended", callCenterIds: [] });
  });

  it.concurrent("creates one Dialpad user for repeated identical requests", async () => {
    const grace = { ...person("grace"), ticket: { system: "jira", id: `IT-${randomUUID().slice(0, 6)}` } };
    const answers = await Promise.all(
      [1, 2, 3].map(() => local.request("POST", "/v1/onboard", { body: grace })),
    );
    const jobIds = new Set(answers.map((answer) => answer.body.job_id));
    expect(jobIds.size).toBe(1);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 202]);
    const [jobId] = [...jobIds] as [string];
    expect(await finishedJob(jobId)).toMatchObject({ status: "succeeded" });

    const again = await local.request("POST", "/v1/onboard", { body: grace });
    expect(again).toMatchObject({ status: 200, body: { job_id: jobId, status: "succeeded" } });
    const conflict = await local.request("POST", "/v1/onboard", { body: { ...grace, last_name: "Hopper" } });
    expect(conflict.status).toBe(409);

    const users = (await sandboxState(sandboxUrl)).users.filter((user) => user.emails.includes(grace.email));
    expect(users).toHaveLength(1);
  });

  it.concurrent("deletes an offboarded person with retention 0 on the next sweep", async () => {
    const linus = person("linus");
    const { user_id: userId } = await onboarded(linus);
    const offboard = await local.request("POST", "/v1/offboard", {
      body: { email: linus.email, retention_days: 0 },
    });
    expect(await finishedJob(offboard.body.job_id)).toMatchObject({ status: "succeeded" });

    const record = await eventually("the sweeper to delete the user", async () => {
      const { body } = await local.request("GET", `/v1/users/${linus.email}`);
      return body.state === "deleted" ? body : undefined;
    });
    expect(record.deleted_at).toEqual(expect.any(String));
    const inDialpad = (await sandboxState(sandboxUrl)).users.find((user) => user.id === userId);
    expect(inDialpad?.state).toBe("deleted");
  });

  it.concurrent("updates the record when an admin suspends the person in Dialpad by hand (signed webhook)", async () => {
    const barbara = person("barbara");
    const { user_id: userId } = await onboarded(barbara);
    await sandboxByHand(sandboxUrl, `/users/${userId}/suspend`);

    const record = await eventually("the webhook to update the record", async () => {
      const { body } = await local.request("GET", `/v1/users/${barbara.email}`);
      return body.state === "suspended" ? body : undefined;
    });
    expect(record.history.length).toBeGreaterThan(1);
  });
});

describe("stopping", () => {
  it("stops on Ctrl-C within 5 s, prints no error on the way, and leaves none of its processes running", async () => {
    const pid = local.child.pid as number;
    const processes = processesBelow(pid);
    const commands = processes.map((p) => p.commandLine).join("\n");
    expect(commands).toContain("DynamoDBLocal.jar");
    expect(commands).toContain("fauxqs");

    const printedBefore = local.output().length;
    // The terminal signals the whole foreground group: engines that died with it would fail the pollers.
    const { code, signal, ms } = await local.interrupt();
    const printedOnStop = local.output().slice(printedBefore);
    expect(printedOnStop).toContain("[local] SIGINT: stopping...");
    expect(printedOnStop).toContain("[local] stopped");
    expect(printedOnStop.split("\n").filter((line) => /error|warning/i.test(line))).toEqual([]);
    // npm passes the Ctrl-C on, then ends by it, as a shell expects of an interrupted job.
    expect({ code, signal }).toEqual({ code: null, signal: "SIGINT" });
    expect(ms).toBeLessThan(5000);
    expect(await stillRunningAfter(processes, 5000 - ms)).toEqual([]);
  });
});
