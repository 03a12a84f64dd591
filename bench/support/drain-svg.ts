/**
 * A picture of a drain: Dialpad requests per 100 ms against the budget line, 429s and urgent
 * requests marked. Hand-written SVG text (no chart dependency); `drainBuckets` holds the data the
 * picture draws, so tests check the bucketing rather than pixels.
 */
export const DRAIN_BUCKET_MS = 100;

export interface DrainRequest {
  /** ms on any clock (epoch or monotonic), as long as every request uses the same one. */
  at: number;
  /** 429 marks a refusal; "timeout" or any other status counts as a request sent. */
  status: number | "timeout";
  /** Sent in the urgent lane (an offboard). */
  urgent?: boolean;
}

export interface DrainBucket {
  /** ms from the first request to the bucket's start. */
  startMs: number;
  requests: number;
  tooManyRequests: number;
  urgent: number;
}

/** Requests per 100 ms from the first request's bucket to the last one's, empty buckets included. */
export function drainBuckets(requests: readonly DrainRequest[]): DrainBucket[] {
  if (requests.length === 0) return [];
  const first = Math.min(...requests.map((r) => r.at));
  const last = Math.max(...requests.map((r) => r.at));
  const count = Math.floor((last - first) / DRAIN_BUCKET_MS) + 1;
  const buckets = Array.from({ length: count }, (_, i) => ({
    startMs: i * DRAIN_BUCKET_MS,
    requests: 0,
    tooManyRequests: 0,
    urgent: 0,
  }));
  for (const request of requests) {
    const bucket = buckets[Math.floor((request.at - first) / DRAIN_BUCKET_MS)]!;
    bucket.requests += 1;
    if (request.status === 429) bucket.tooManyRequests += 1;
    if (request.urgent) bucket.urgent += 1;
  }
  return buckets;
}

export interface DrainPicture {
  title: string;
  /** Our budget in requests per second: drawn as its share of a 100 ms bucket. */
  budgetPerSecond: number;
  /** The company's limit (Dialpad's 20/s), drawn dashed. */
  limitPerSecond: number;
  requests: readonly DrainRequest[];
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function drainSvg(picture: DrainPicture): string {
  const buckets = drainBuckets(picture.requests);
  const width = 900;
  const height = 260;
  const left = 40;
  const top = 30;
  const plotW = width - left - 10;
  const plotH = height - top - 40;
  const perBucketLimit = picture.limitPerSecond / (1000 / DRAIN_BUCKET_MS);
  const perBucketBudget = picture.budgetPerSecond / (1000 / DRAIN_BUCKET_MS);
  const yMax = Math.max(perBucketLimit * 2, ...buckets.map((b) => b.requests), 1);
  const barW = plotW / Math.max(buckets.length, 1);
  const y = (value: number) => top + plotH - (value / yMax) * plotH;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  buckets.forEach((b, i) => {
    const x = left + i * barW;
    const admitted = b.requests - b.tooManyRequests;
    if (admitted > 0)
      parts.push(
        `<rect x="${f(x)}" y="${f(y(admitted))}" width="${f(barW)}" height="${f(y(0) - y(admitted))}" fill="#4a7bb7"/>`,
      );
    if (b.tooManyRequests > 0)
      parts.push(
        `<rect x="${f(x)}" y="${f(y(b.requests))}" width="${f(barW)}" height="${f(y(admitted) - y(b.requests))}" fill="#d62728"/>`,
      );
    if (b.urgent > 0)
      parts.push(`<circle cx="${f(x + barW / 2)}" cy="${f(top + plotH + 8)}" r="2.5" fill="#ff7f0e"/>`);
  });
  const seconds = (buckets.length * DRAIN_BUCKET_MS) / 1000;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(picture.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="16" font-size="13">${escapeXml(picture.title)}</text>`,
    ...parts,
    `<line x1="${left}" x2="${left + plotW}" y1="${f(y(perBucketBudget))}" y2="${f(y(perBucketBudget))}" stroke="#2ca02c" stroke-width="1.5"/>`,
    `<line x1="${left}" x2="${left + plotW}" y1="${f(y(perBucketLimit))}" y2="${f(y(perBucketLimit))}" stroke="#000" stroke-dasharray="4 3"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#000"/>`,
    `<text x="4" y="${f(y(perBucketLimit) + 4)}">${f(perBucketLimit)}</text>`,
    `<text x="4" y="${f(y(0))}">0</text>`,
    `<text x="${left}" y="${height - 6}">requests per 100 ms over ${seconds.toFixed(1)} s · blue sent · red 429 · orange dot urgent · green our budget (${picture.budgetPerSecond}/s) · dashed company limit (${picture.limitPerSecond}/s)</text>`,
    "</svg>",
    "",
  ].join("\n");
}
