/**
 * The fault suite: Dialpad answering 10% 503s, 5% surprise 429s and 2% hung requests (a seeded draw
 * per request, by an HTTP proxy in front of the sandbox), while 60 onboardings and 20 offboardings
 * run at once through the real pipeline. Half of the 503s and hangs happen after the sandbox applied
 * the request (the ambiguous case: Dialpad did it, we never heard). Every job must succeed, with
 * exactly one Dialpad user per email.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../local/sandbox/seeded-random";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const RATES = { error503: 0.1, rateLimited: 0.05, hung: 0.02 };
const ONBOARDINGS = 60;
const OFFBOARDINGS = 20;

type Fault = "error503" | "rateLimited" | "hung" | undefined;

/** Forwards to the sandbox, except when the draw says to fail the request (before or after forwarding). */
class FaultyDialpad {
  readonly counts = { requests: 0, error503: 0, rateLimited: 0, hung: 0 };
  private target = new URL("http://127.0.0.1:1");
  private readonly server: Server;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
  }

  /** The proxy's base URL for a sandbox base URL (same path). */
  baseUrlFor(sandboxBaseUrl: string): string {
    this.target = new URL(sandboxBaseUrl);
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.target.pathname}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private draw(): { fault: Fault; afterForwarding: boolean } {
    const roll = this.random();
    const afterForwarding = this.random() < 0.5;
    if (roll < RATES.error503) return { fault: "error503", afterForwarding };
    if (roll < RATES.error503 + RATES.rateLimited) return { fault: "rateLimited", afterForwarding: false };
    if (roll < RATES.error503 + RATES.rateLimited + RATES.hung) return { fault: "hung", afterForwarding };
    return { fault: undefined, afterForwarding: true };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counts.requests += 1;
    const body = await readAll(req);
    const { fault, afterForwarding } = this.draw();
    if (fault) this.counts[fault] += 1;
    const upstream = afterForwarding || !fault ? await this.forward(req, body) : undefined;
    if (fault === "hung") return; // never answered: the client times out and drops the connection
    if (fault === "rateLimited") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ error: { code: 429, message: "Rate limit exceeded" } }));
      return;
    }
    if (fault === "error503") {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 503, message: "Service unavailable" } }));
      return;
    }
    if (!upstream) throw new Error("unreachable: no fault and nothing forwarded");
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  private forward(req: IncomingMessage, body: Buffer) {
    return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((done, fail) => {
      const outgoing = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: this.target.host },
        },
        async (answer) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers))
            if (typeof value === "string" && name !== "transfer-encoding" && name !== "connection")
              headers[name] = value;
          done({ status: answer.statusCode ?? 502, headers, body: await readAll(answer) });
        },
      );
      outgoing.on("error", fail);
      outgoing.end(body);
    });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

let h: LifecycleHarness;
const dialpad = new FaultyDialpad(20_261_201);

beforeAll(async () => {
  await dialpad.start();
  h = await startLifecycleHarness({
    dialpadBaseUrl: (sandboxBaseUrl) => dialpad.baseUrlFor(sandboxBaseUrl),
    maxReceives: 8,
  });
});
afterAll(async () => {
  await h?.stop();
  await dialpad.stop();
});

describe("the fault suite", () => {
  it(`${ONBOARDINGS} onboardings and ${OFFBOARDINGS} offboardings all succeed, one user per email`, async () => {
    const leavers = Array.from({ length: OFFBOARDINGS }, (_, i) =>
      h.sandbox.byHand.createUser({ email: `fault-leaver-${i}@example.com` }),
    );
    const joiners = Array.from({ length: ONBOARDINGS }, (_, i) => `fault-joiner-${i}@example.com`);
    const submitted = await Promise.all([
      ...joiners.map((email) => h.onboard({ email, area_code: "415" })),
      ...leavers.map((user) => h.offboard({ email: user.emails[0] ?? "" })),
    ]);
    const done = await Promise.all(submitted.map(({ job }) => h.waitForJob(job.job_id, undefined, 240_000)));

    const failed = done.filter((job) => job.status !== "succeeded");
    expect(
      failed.map((job) => ({ email: job.email, status: job.status, error: job.error })),
      "every job succeeds",
    ).toEqual([]);
    const live = h.sandbox.state.users({ state: "all" }).filter((user) => user.state !== "deleted");
    for (const email of joiners) {
      const owners = live.filter((user) => user.emails.includes(email));
      expect(
        owners.map((user) => user.state),
        email,
      ).toEqual(["active"]);
      expect(owners[0]?.phoneNumbers, email).toHaveLength(1);
    }
    for (const leaver of leavers) expect(h.sandbox.state.user(leaver.id)?.state).toBe("suspended");
    // The faults really happened, in about the proportions asked for.
    expect(dialpad.counts.error503).toBeGreaterThan(0);
    expect(dialpad.counts.rateLimited).toBeGreaterThan(0);
    expect(dialpad.counts.hung).toBeGreaterThan(0);
    console.info(`fault suite: ${JSON.stringify(dialpad.counts)}`);
  }, 300_000);
});
