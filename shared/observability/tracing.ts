/**
 * X-Ray tracing through Powertools' Tracer. It switches itself on only inside Lambda when the
 * function's tracing is active (the stack sets POWERTOOLS_TRACE_ENABLED with the function's tracing
 * mode); local mode and tests get a no-op. AWS SDK clients are captured where they are built
 * (shared/wiring), and each Dialpad exchange becomes a subsegment through the Dialpad client's
 * response hook, so the one client stays free of tracing code. Global http/fetch capture is off:
 * it would trace Dialpad twice and record full URLs (emails sit in query strings).
 */
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { DialpadMetricsHook } from "../dialpad/api";
import { SERVICE_NAME } from "./metric-names";

export function createTracer(): Tracer {
  return new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
}

/** What the wiring needs of a tracer (Powertools' Tracer; a fake in tests). */
export interface AwsClientTracer {
  captureAWSv3Client<T>(client: T): T;
}

/** Captures an AWS SDK v3 client when a tracer is given; else answers the client unchanged. */
export function traced<T>(client: T, tracer: AwsClientTracer | undefined): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The parts of an X-Ray (sub)segment the Dialpad hook uses. */
interface SubsegmentLike {
  start_time: number;
  namespace?: string;
  addAnnotation(key: string, value: string | number | boolean): void;
  addThrottleFlag(): void;
  addFaultFlag(): void;
  addErrorFlag(): void;
  close(): void;
}
export interface SegmentSource {
  isTracingEnabled(): boolean;
  getSegment(): { addNewSubsegment(name: string): SubsegmentLike } | undefined;
}

/**
 * One subsegment per Dialpad exchange (retries included), named by method and path template (never
 * ids or emails), back-dated to when the request left, flagged throttle (429), fault (5xx, timeout,
 * connection failure) or error (4xx) as X-Ray's service map shows them.
 */
export class XRayDialpadHook implements DialpadMetricsHook {
  constructor(
    private readonly tracer: SegmentSource,
    private readonly now: () => number = Date.now,
  ) {}

  onResponse(sample: Parameters<DialpadMetricsHook["onResponse"]>[0]): void {
    if (!this.tracer.isTracingEnabled()) return;
    const parent = this.tracer.getSegment();
    if (!parent) return;
    const subsegment = parent.addNewSubsegment(`Dialpad ${sample.method} ${sample.route}`);
    subsegment.start_time = (this.now() - sample.latencyMs) / 1000;
    subsegment.namespace = "remote";
    subsegment.addAnnotation("dialpad_route", `${sample.method} ${sample.route}`);
    subsegment.addAnnotation("dialpad_status", String(sample.status));
    subsegment.addAnnotation("attempt", sample.attempt);
    if (typeof sample.status !== "number" || sample.status >= 500) subsegment.addFaultFlag();
    else if (sample.status >= 400) {
      // X-Ray counts a throttle as a client error that is also flagged throttle.
      subsegment.addErrorFlag();
      if (sample.status === 429) subsegment.addThrottleFlag();
    }
    subsegment.close();
  }
}

/** Several hooks as one: each is told every exchange, and one that throws does not stop the rest. */
export function allDialpadHooks(
  ...hooks: (DialpadMetricsHook | undefined)[]
): DialpadMetricsHook | undefined {
  const present = hooks.filter((hook): hook is DialpadMetricsHook => hook !== undefined);
  if (present.length <= 1) return present[0];
  return {
    onResponse(sample) {
      for (const hook of present) {
        try {
          hook.onResponse(sample);
        } catch {
          // Observability must never fail a Dialpad call.
        }
      }
    },
  };
}
