/**
 * The modules the Lambda bundles carry in place of the SDK's default credential chain and, without
 * X-Ray tracing, of Powertools' Tracer (infra/lambda-bundling.ts): they answer what the originals
 * answer inside Lambda, and fit where the code uses the originals.
 */
import type { captureLambdaHandler as realCapture } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bundleAliases } from "../../../infra/lambda-bundling";
import { defaultProvider } from "../../../infra/lambda-shims/credential-provider-env-only";
import { EventStreamSerde, eventStreamSerdeProvider } from "../../../infra/lambda-shims/no-event-streams";
import { captureLambdaHandler, Tracer } from "../../../infra/lambda-shims/tracer-off";
import { type AwsClientTracer, type SegmentSource, traced } from "../../../shared/observability/tracing";

afterEach(() => vi.unstubAllEnvs());

describe("the environment-only credential provider", () => {
  it("answers the role's credentials as Lambda sets them", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "token");
    await expect(defaultProvider({})()).resolves.toEqual({
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
    });
  });

  it("refuses clearly when the environment has none, naming no value", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment/);
  });
});

describe("the event-stream codec left out", () => {
  it("says so if anything ever asks for it", () => {
    expect(() => new EventStreamSerde({})).toThrow(/AWS event streams are not in this bundle/);
    expect(() => eventStreamSerdeProvider({})).toThrow(/AWS event streams are not in this bundle/);
  });
});

describe("the tracer that is off", () => {
  it("fits where the wiring and the Dialpad hook use the Tracer, and changes nothing", () => {
    const tracer: AwsClientTracer & SegmentSource = new Tracer({ serviceName: "x" });
    const client = { send: () => "sent" };
    expect(traced(client, tracer)).toBe(client);
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.getSegment()).toBeUndefined();
  });

  it("gives middy a middleware that leaves the handler's answer as it is", async () => {
    const capture: (...args: Parameters<typeof realCapture>) => object = captureLambdaHandler;
    const handler = middy(async (event: { n: number }) => event.n + 1).use(
      capture(new Tracer() as never, { captureResponse: false }),
    );
    await expect(handler({ n: 1 }, {} as never)).resolves.toBe(2);
  });

  it("replaces the Tracer only in stacks without tracing; the credential chain always", () => {
    expect(Object.keys(bundleAliases())).toEqual([
      "@aws-sdk/credential-provider-node",
      "@smithy/core/event-streams",
      "@aws-lambda-powertools/tracer",
      "@aws-lambda-powertools/tracer/middleware",
    ]);
    expect(Object.keys(bundleAliases({ tracing: true }))).toEqual([
      "@aws-sdk/credential-provider-node",
      "@smithy/core/event-streams",
    ]);
  });
});
