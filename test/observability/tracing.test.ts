/**
 * Dialpad exchanges as X-Ray subsegments, built on the X-Ray SDK's real Segment (no daemon: nothing
 * is sent, the segment is only read back).
 */
import { Segment } from "aws-xray-sdk-core";
import { describe, expect, it } from "vitest";
import type { DialpadMetricsHook } from "../../shared/dialpad/api";
import { allDialpadHooks, createTracer, traced, XRayDialpadHook } from "../../shared/observability/tracing";

type Sample = Parameters<DialpadMetricsHook["onResponse"]>[0];
const sample = (over: Partial<Sample> = {}): Sample => ({
  method: "GET",
  route: "/users/{id}",
  status: 200,
  latencyMs: 250,
  attempt: 1,
  ...over,
});

function tracing(enabled = true) {
  const segment = new Segment("worker");
  return { segment, source: { isTracingEnabled: () => enabled, getSegment: () => segment } };
}

describe("XRayDialpadHook", () => {
  it("adds one closed, back-dated subsegment per exchange, named by route template", () => {
    const { segment, source } = tracing();
    new XRayDialpadHook(source, () => 1_000_000).onResponse(sample());
    const [sub] = segment.subsegments ?? [];
    const json = sub?.toJSON() as Record<string, unknown>;
    expect(json.name).toBe("Dialpad GET /users/{id}");
    expect(json.start_time).toBe(999.75);
    expect(json.end_time).toBeTypeOf("number");
    expect(json.namespace).toBe("remote");
    expect(json.annotations).toEqual({ dialpad_route: "GET /users/{id}", dialpad_status: "200", attempt: 1 });
    expect(json.throttle ?? json.fault ?? json.error).toBeUndefined();
  });

  it("flags 429 as throttle, 5xx and timeouts as fault, other 4xx as error", () => {
    const { segment, source } = tracing();
    const hook = new XRayDialpadHook(source);
    for (const status of [429, 503, "timeout", 404] as const) hook.onResponse(sample({ status }));
    const flags = (segment.subsegments ?? []).map((sub) => {
      const json = sub.toJSON() as Record<string, unknown>;
      return [json.throttle, json.fault, json.error];
    });
    expect(flags).toEqual([
      [true, undefined, true],
      [undefined, true, undefined],
      [undefined, true, undefined],
      [undefined, undefined, true],
    ]);
  });

  it("adds nothing when tracing is off", () => {
    const { segment, source } = tracing(false);
    new XRayDialpadHook(source).onResponse(sample());
    expect(segment.subsegments ?? []).toEqual([]);
  });
});

describe("allDialpadHooks", () => {
  it("tells every hook, even after one throws", () => {
    const seen: string[] = [];
    const hook = allDialpadHooks(
      {
        onResponse: () => {
          throw new Error("metrics down");
        },
      },
      undefined,
      { onResponse: (s) => seen.push(s.route) },
    );
    hook?.onResponse(sample());
    expect(seen).toEqual(["/users/{id}"]);
  });
});

describe("the function tracer outside Lambda", () => {
  it("is off, and leaves AWS clients as they are", () => {
    const tracer = createTracer();
    const client = { send: () => undefined };
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(traced(client, tracer)).toBe(client);
    expect(traced(client, undefined)).toBe(client);
  });
});
