/**
 * The parts of local mode that must agree with the deployed stack: API Gateway's own error answers,
 * the worker's event-source sizing, and the settings' defaults.
 */
import { describe, expect, it } from "vitest";
import { GATEWAY_ERRORS } from "../../infra/constructs/api";
import { stackSettingsSchema } from "../../infra/stack-settings";
import { workerConcurrency } from "../../infra/worker-concurrency";
import { LOCAL_GATEWAY_ERRORS } from "../../local/runtime/gateway-errors";
import { DEFAULT_LOCAL_API_TOKEN, loadLocalSettings } from "../../local/runtime/local-settings";
import { workerSizing } from "../../local/runtime/worker-sizing";

describe("local API Gateway errors", () => {
  it.each(Object.entries(LOCAL_GATEWAY_ERRORS))("%s matches the stack's gateway response", (_, local) => {
    const deployed = GATEWAY_ERRORS.find((error) => error.code === local.code);
    expect(deployed).toBeDefined();
    expect(deployed?.message).toBe(local.message);
    if (deployed?.status !== undefined) expect(Number(deployed.status)).toBe(local.status);
  });
});

describe("worker sizing", () => {
  it("uses the stack's formula: each lane sized for the whole budget", () => {
    const sizing = workerSizing(15);
    expect(sizing.lanes.urgent.maxConcurrency).toBe(
      workerConcurrency({
        budgetRps: 15,
        dialpadLatencyMs: 200,
        batchSize: 5,
        recordsInFlightPerInvocation: 5,
      }),
    );
    expect(sizing.lanes.urgent.batchingWindowSeconds).toBe(0);
    expect(sizing.lanes.bulk).toEqual({
      batchSize: 10,
      batchingWindowSeconds: stackSettingsSchema.parse({}).bulkBatchingWindowSeconds,
      maxConcurrency: workerConcurrency({
        budgetRps: 15,
        dialpadLatencyMs: 200,
        batchSize: 10,
        recordsInFlightPerInvocation: 10,
      }),
    });
    expect(sizing.visibilityTimeoutSeconds).toBe(
      6 * sizing.workerTimeoutSeconds + sizing.lanes.bulk.batchingWindowSeconds,
    );
  });
});

describe("local settings", () => {
  it("has a default for everything", () => {
    expect(loadLocalSettings({})).toEqual({
      PORT: 3000,
      SANDBOX_PORT: 0,
      LOCAL_API_TOKEN: DEFAULT_LOCAL_API_TOKEN,
      DIALPAD_RATE_LIMIT_RPS: 15,
      RETENTION_DAYS: 30,
      NUMBER_PARKING_TARGET: { to: "office" },
      NUMBERS_ON_DELETE: "park",
      CALLBACK_RETRY_BASE_SECONDS: 30,
      SWEEP_INTERVAL_SECONDS: 60,
      RECONCILE_INTERVAL_SECONDS: 3600,
    });
  });

  it("makes the all-scope token random when pointed at another Dialpad, unless LOCAL_API_TOKEN is set", () => {
    const external = { DIALPAD_BASE_URL: "https://dialpad.example.com/api/v2", DIALPAD_API_KEY: "k" };
    const first = loadLocalSettings(external).LOCAL_API_TOKEN;
    expect(first).not.toBe(DEFAULT_LOCAL_API_TOKEN);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(loadLocalSettings(external).LOCAL_API_TOKEN).not.toBe(first);
    expect(loadLocalSettings({ ...external, LOCAL_API_TOKEN: "chosen-token" }).LOCAL_API_TOKEN).toBe(
      "chosen-token",
    );
  });

  it("takes engines already running only as a pair of endpoints", () => {
    const both = {
      LOCAL_DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      LOCAL_SQS_ENDPOINT: "http://127.0.0.1:9324",
    };
    expect(loadLocalSettings(both)).toMatchObject(both);
    expect(() => loadLocalSettings({ LOCAL_DYNAMODB_ENDPOINT: both.LOCAL_DYNAMODB_ENDPOINT })).toThrow(
      /LOCAL_SQS_ENDPOINT/,
    );
    expect(() => loadLocalSettings({ ...both, LOCAL_SQS_ENDPOINT: "not a url" })).toThrow(
      /LOCAL_SQS_ENDPOINT/,
    );
  });

  it("accepts a one-second sweep and treats empty variables as unset", () => {
    expect(loadLocalSettings({ SWEEP_INTERVAL_SECONDS: "1", PORT: "" })).toMatchObject({
      SWEEP_INTERVAL_SECONDS: 1,
      PORT: 3000,
    });
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ RETENTION_DAYS: "-1" }, "RETENTION_DAYS"],
    [{ DIALPAD_RATE_LIMIT_RPS: "25" }, "DIALPAD_RATE_LIMIT_RPS"],
    [{ LOCAL_API_TOKEN: "has spaces in it" }, "LOCAL_API_TOKEN"],
    [{ RECONCILE_INTERVAL_SECONDS: "0" }, "RECONCILE_INTERVAL_SECONDS"],
    [{ NUMBER_PARKING_TARGET: "nowhere" }, "NUMBER_PARKING_TARGET"],
    [{ NUMBERS_ON_DELETE: "unassign" }, "NUMBERS_ON_DELETE"],
    [{ DIALPAD_BASE_URL: "not a url", DIALPAD_API_KEY: "k" }, "DIALPAD_BASE_URL"],
  ])("refuses %o naming %s", (env, variable) => {
    expect(() => loadLocalSettings(env)).toThrow(new RegExp(`${variable}:`));
  });

  it("names every bad variable at once", () => {
    expect(() => loadLocalSettings({ PORT: "x", SWEEP_INTERVAL_SECONDS: "0" })).toThrow(
      /PORT:[\s\S]*SWEEP_INTERVAL_SECONDS:/,
    );
  });
});
