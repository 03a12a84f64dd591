/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (infra/lambda-bundling.ts
 * aliases it here). The SDK's protocol layer loads it only for operations that stream events, and
 * none of the service's AWS calls does (DynamoDB, SQS, Secrets Manager, EventBridge PutEvents), so
 * the codec (about 20 KiB of every bundle) would never run. Should one ever be asked for, it says so.
 */
const notBundled = (): never => {
  throw new Error(
    "AWS event streams are not in this bundle: none of the service's AWS calls streams events (infra/lambda-bundling.ts).",
  );
};

export class EventStreamSerde {
  constructor(_options?: unknown) {
    notBundled();
  }
}

export const eventStreamSerdeProvider = (_options?: unknown): never => notBundled();
