/**
 * Small collaborators for Dialpad client tests: a key provider that can rotate, a sleep that
 * records what it was asked to wait (no wall clock), a limiter that counts, a metrics recorder.
 */
import type { ApiKeyProvider, DialpadMetricsHook, RateLimiter } from "../../shared/dialpad/api";
import { DialpadClient, type DialpadClientOptions } from "../../shared/dialpad/client";

export const TEST_KEY = "test-key-7f3a9c51e2d84b06";

export function staticKey(key = TEST_KEY): ApiKeyProvider & { refreshes: number } {
  const provider = {
    refreshes: 0,
    get: async () => key,
    refresh: async () => {
      provider.refreshes++;
      return key;
    },
  };
  return provider;
}

/** `get` answers the old key until `refresh` is called, as a cached secret would after rotation. */
export function rotatingKey(oldKey: string, newKey: string): ApiKeyProvider & { refreshes: number } {
  let current = oldKey;
  const provider = {
    refreshes: 0,
    get: async () => current,
    refresh: async () => {
      provider.refreshes++;
      current = newKey;
      return current;
    },
  };
  return provider;
}

export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

export function countingLimiter(): RateLimiter & { acquired: number; throttles: (number | undefined)[] } {
  const limiter = {
    acquired: 0,
    throttles: [] as (number | undefined)[],
    acquire: async () => {
      limiter.acquired++;
    },
    onThrottled: async (ms: number | undefined) => {
      limiter.throttles.push(ms);
    },
  };
  return limiter;
}

export type MetricSample = Parameters<DialpadMetricsHook["onResponse"]>[0];

export function recordingMetrics(): DialpadMetricsHook & { samples: MetricSample[] } {
  const samples: MetricSample[] = [];
  return { samples, onResponse: (sample) => void samples.push(sample) };
}

/** A client with instant, recorded sleeps and a fixed jitter draw of 0.5. */
export function testClient(baseUrl: string, overrides: Partial<DialpadClientOptions> = {}) {
  const sleeper = recordingSleep();
  const limiter = countingLimiter();
  const metrics = recordingMetrics();
  const apiKey = staticKey();
  const client = new DialpadClient({
    baseUrl,
    apiKey,
    rateLimiter: limiter,
    metrics,
    sleep: sleeper.sleep,
    random: () => 0.5,
    timeoutMs: 2_000,
    ...overrides,
  });
  return { client, delays: sleeper.delays, limiter, metrics, apiKey };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}
