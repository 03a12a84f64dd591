/**
 * Stands in for Powertools' Tracer (`@aws-lambda-powertools/tracer` and its `/middleware`) in the
 * bundles of a stack deployed without X-Ray tracing (`xrayTracing` false, the default;
 * infra/lambda-bundling.ts aliases them here). There the real Tracer switches itself off at start-up
 * (POWERTOOLS_TRACE_ENABLED is false), so this answers what it would: tracing off, clients and
 * handlers left as they are. The X-Ray SDK it would load is about 120 KiB of every bundle. With
 * tracing on, the bundles carry the real Tracer.
 */

/** What shared/observability/tracing.ts and the handlers use of Powertools' Tracer, switched off. */
export class Tracer {
  // biome-ignore lint/complexity/noUselessConstructor: it takes the real Tracer's options
  constructor(_options?: unknown) {}
  isTracingEnabled(): boolean {
    return false;
  }
  getSegment(): undefined {
    return undefined;
  }
  captureAWSv3Client<T>(client: T): T {
    return client;
  }
}

/** Powertools' `captureLambdaHandler` middleware with tracing off: one that does nothing (middy wants a hook). */
export const captureLambdaHandler = (_tracer?: unknown, _options?: unknown) => ({
  before: (): void => undefined,
});
