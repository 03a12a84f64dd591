/**
 * X-Ray tracing is one stack setting: off by default, and when on, every function traces actively,
 * Powertools' Tracer is switched on with it, the roles may write trace segments, and cdk-nag stays clean.
 */
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizeStack, unacknowledgedNagFindings } from "./stack-fixture";

type Synth = ReturnType<typeof synthesizeStack>;
const functionsOf = (synth: Synth) => Object.values(synth.template.findResources("AWS::Lambda::Function"));
const ourFunctions = (synth: Synth) =>
  functionsOf(synth).filter((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);

describe("X-Ray tracing", () => {
  let traced: Synth;
  let untraced: Synth;
  beforeAll(() => {
    traced = synthesizeStack({ context: { xrayTracing: true } });
    untraced = synthesizeStack();
  });

  it("is off by default, and Powertools' Tracer with it", () => {
    const fns = ourFunctions(untraced);
    expect(fns.length).toBeGreaterThanOrEqual(5);
    for (const fn of fns) {
      expect(fn.Properties.TracingConfig).toBeUndefined();
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe("false");
    }
  });

  it("traces every function actively and switches the Tracer on when asked", () => {
    const fns = ourFunctions(traced);
    expect(fns.length).toBe(ourFunctions(untraced).length);
    for (const fn of fns) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe("true");
    }
    traced.template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            Effect: "Allow",
          }),
        ]),
      },
    });
  });

  it("traces the API stage too", () => {
    traced.template.hasResourceProperties("AWS::ApiGateway::Stage", { TracingEnabled: true });
  });

  it("keeps cdk-nag clean with tracing on", () => {
    expect(unacknowledgedNagFindings(traced.stack)).toEqual([]);
  });
});
