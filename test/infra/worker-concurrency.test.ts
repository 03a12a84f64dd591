import { describe, expect, it } from "vitest";
import { workerConcurrency } from "../../infra/worker-concurrency";

describe("workerConcurrency", () => {
  it("needs budget × latency calls in flight, spread over the records each invocation runs at once", () => {
    // 20 req/s at 500 ms → 10 calls in flight; 2 records per invocation → 5 invocations.
    expect(
      workerConcurrency({
        budgetRps: 20,
        dialpadLatencyMs: 500,
        batchSize: 10,
        recordsInFlightPerInvocation: 2,
      }),
    ).toBe(5);
    // 15 req/s at 1 s → 15 calls; 4 per invocation → 3.75 → 4 invocations.
    expect(
      workerConcurrency({
        budgetRps: 15,
        dialpadLatencyMs: 1000,
        batchSize: 10,
        recordsInFlightPerInvocation: 4,
      }),
    ).toBe(4);
  });

  it("cannot run more records at once than a batch holds", () => {
    // 10 calls in flight, batches of 1 → 10 invocations even if the code could run 5 records at once.
    expect(
      workerConcurrency({
        budgetRps: 20,
        dialpadLatencyMs: 500,
        batchSize: 1,
        recordsInFlightPerInvocation: 5,
      }),
    ).toBe(10);
  });

  it("never goes below the event source minimum of 2", () => {
    expect(
      workerConcurrency({
        budgetRps: 15,
        dialpadLatencyMs: 200,
        batchSize: 5,
        recordsInFlightPerInvocation: 5,
      }),
    ).toBe(2);
    expect(
      workerConcurrency({
        budgetRps: 0.5,
        dialpadLatencyMs: 10,
        batchSize: 1,
        recordsInFlightPerInvocation: 1,
      }),
    ).toBe(2);
  });

  it("never exceeds the event source maximum of 1000", () => {
    expect(
      workerConcurrency({
        budgetRps: 20,
        dialpadLatencyMs: 600_000,
        batchSize: 1,
        recordsInFlightPerInvocation: 1,
      }),
    ).toBe(1000);
  });

  it("rejects inputs that are not positive numbers", () => {
    expect(() =>
      workerConcurrency({
        budgetRps: 0,
        dialpadLatencyMs: 200,
        batchSize: 5,
        recordsInFlightPerInvocation: 5,
      }),
    ).toThrow(/budgetRps/);
    expect(() =>
      workerConcurrency({
        budgetRps: 15,
        dialpadLatencyMs: Number.NaN,
        batchSize: 5,
        recordsInFlightPerInvocation: 5,
      }),
    ).toThrow(/dialpadLatencyMs/);
  });
});
