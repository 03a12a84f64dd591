/**
 * Realistic response time: a mean with uniform jitter either side, drawn from the sandbox's seeded
 * random source so a run is reproducible. 0/0 answers at once (fast tests).
 */
export interface LatencySettings {
  meanMs: number;
  jitterMs: number;
}

export class Latency {
  constructor(
    private settings: LatencySettings,
    private readonly random: () => number,
  ) {}

  nextDelayMs(): number {
    const { meanMs, jitterMs } = this.settings;
    if (meanMs <= 0 && jitterMs <= 0) return 0;
    return Math.max(0, meanMs + (this.random() * 2 - 1) * jitterMs);
  }

  configure(settings: Partial<LatencySettings>): void {
    this.settings = { ...this.settings, ...settings };
  }
}

export const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
