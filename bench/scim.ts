/**
 * SCIM answers while a backlog drains: 400 plain onboardings queued through the API, then an
 * identity provider's traffic with 10 requests in flight (reads of users and groups by id and by
 * filter, and Okta-style group renames), through the same API function, for as long as the backlog
 * lasts (at most `windowMs`). Figures: SCIM answer latency p50/p99/max (the API function's own time,
 * in process), requests/s sustained, answers other than 2xx, and the Dialpad requests made during the
 * run by anything but the worker's jobs (the sandbox's arrivals minus the worker client's exchanges,
 * read once the backlog drained): SCIM answers come from our records, so that is 0.
 */
import { loadavg } from "node:os";
import type { OnboardRequest } from "../shared/lifecycle/model";
import { type DeployedConfiguration, startBenchPipeline } from "./support/bench-pipeline";
import type { LocalEngines } from "./support/local-stack";
import { fixed, formatTargets, percentile, table, target } from "./support/report-format";

export interface ScimBenchOptions {
  engines: LocalEngines;
  config: DeployedConfiguration;
  backlog: number;
  inFlight: number;
  /** The longest the SCIM traffic runs, even with backlog left. */
  windowMs: number;
  /** How long the backlog may take to drain after the window, before the Dialpad counts are read. */
  drainTimeoutMs: number;
  log?: (line: string) => void;
}

export interface ScimBenchRun {
  backlog: number;
  inFlight: number;
  requests: number;
  byKind: Record<string, number>;
  failures: number;
  latencies: number[];
  windowMs: number;
  backlogLeftAtEnd: number;
  /** Jobs still open when the drain wait gave up (then the Dialpad comparison is not exact). */
  undrained: number;
  dialpadRequests: number;
  workerExchanges: number;
  load: string;
}

const IDP = { name: "bench-idp", scopes: "scim" };
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const onboarding = (i: number, officeId: string): OnboardRequest => ({
  email: `scim-backlog-${String(i).padStart(4, "0")}@example.com`,
  first_name: "Backlog",
  last_name: `User ${i}`,
  office_id: officeId,
  license: "talk",
  admin_type: "none",
  call_center_ids: [],
});

export async function runScimBenchmark(options: ScimBenchOptions): Promise<ScimBenchRun> {
  const log = options.log ?? (() => undefined);
  const pipeline = await startBenchPipeline({
    engines: options.engines,
    variant: { dialpad: "shared-budget", lanes: "priority" },
    config: options.config,
    requestLogSize: options.backlog * 4,
  });
  try {
    const { sandbox } = pipeline;
    const call = (method: string, path: string, body?: unknown) =>
      pipeline.call(method, `/scim/v2${path}`, body, IDP);
    // What the IdP reads: users it created inactive (nothing in Dialpad) and groups with no effect.
    log("scim: seeding 50 users and 20 groups ...");
    const users: { id: string; userName: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const userName = `idp-${i}@example.com`;
      const created = await call("POST", "/Users", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName,
        name: { givenName: "Idp", familyName: `User ${i}` },
        emails: [{ value: userName, primary: true }],
        active: false,
      });
      if (created.status !== 201) throw new Error(`seeding a user answered ${created.status}`);
      users.push({ id: (created.body as { id: string }).id, userName });
    }
    const groups: { id: string; name: string; version: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `Team ${i}`;
      const created = await call("POST", "/Groups", { displayName: name, members: [] });
      if (created.status !== 201) throw new Error(`seeding a group answered ${created.status}`);
      groups.push({ id: (created.body as { id: string }).id, name, version: 0 });
    }

    pipeline.startWorkers();
    await sandbox.resetStats();
    const exchangesBefore = pipeline.sentAt.length;
    const load = `load average: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(", ")}`;
    log(
      `scim: ${options.backlog} onboardings queued, then SCIM traffic with ${options.inFlight} in flight ...`,
    );
    const jobIds = await pipeline.postAll(
      "onboard",
      Array.from({ length: options.backlog }, (_, i) => onboarding(i, sandbox.facts.hqOfficeId)),
    );
    const startedAt = Date.now();
    const latencies: number[] = [];
    const byKind: Record<string, number> = {};
    let failures = 0;
    let n = 0;
    const pick = <T>(list: readonly T[]) => list[n % list.length] as T;
    const one = async () => {
      n += 1;
      const user = pick(users);
      const group = pick(groups);
      const kinds = [
        ["user by id", () => call("GET", `/Users/${user.id}`)],
        [
          "user by userName",
          () => call("GET", `/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`),
        ],
        [
          "group by displayName",
          () =>
            call(
              "GET",
              `/Groups?filter=${encodeURIComponent(`displayName eq "${group.name}"`)}&excludedAttributes=members`,
            ),
        ],
        [
          "group rename",
          () => {
            group.version += 1;
            return call("PATCH", `/Groups/${group.id}`, {
              schemas: [PATCH_OP],
              Operations: [
                { op: "replace", value: { id: group.id, displayName: `${group.name} v${group.version}` } },
              ],
            });
          },
        ],
        ["user list page", () => call("GET", "/Users?startIndex=1&count=20")],
      ] as const;
      const [kind, run] = kinds[n % kinds.length] as (typeof kinds)[number];
      const answer = await run();
      if (kind === "group rename" && answer.status === 200)
        group.name = (answer.body as { displayName: string }).displayName;
      latencies.push(answer.ms);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      if (answer.status >= 300) failures += 1;
    };
    const open = () => jobIds.filter((id) => !pipeline.finished.has(id)).length;
    const caller = async () => {
      while (Date.now() - startedAt < options.windowMs && open() > 0) await one();
    };
    await Promise.all(Array.from({ length: options.inFlight }, caller));
    const windowMs = Date.now() - startedAt;
    const backlogLeftAtEnd = open();
    // Compared once nothing is in flight (the sandbox counts a request when it arrives, the worker's
    // client when its answer is read): the backlog drained and a moment of quiet.
    log(`scim: SCIM window over; waiting for the ${backlogLeftAtEnd} jobs left to drain ...`);
    const undrained = (await pipeline.waitForJobs(jobIds, Date.now() + options.drainTimeoutMs)).length;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const stats = await sandbox.stats();
    const workerExchanges = pipeline.sentAt.length - exchangesBefore;
    return {
      backlog: options.backlog,
      inFlight: options.inFlight,
      requests: latencies.length,
      byKind,
      failures,
      latencies,
      windowMs,
      backlogLeftAtEnd,
      undrained,
      dialpadRequests: stats.totalRequests,
      workerExchanges,
      load,
    };
  } finally {
    await pipeline.stop();
  }
}

export function formatScim(run: ScimBenchRun): string {
  const p50 = percentile(run.latencies, 50);
  const p99 = percentile(run.latencies, 99);
  const rps = run.requests / (run.windowMs / 1000);
  const outside = run.dialpadRequests - run.workerExchanges;
  const rows = [
    ["SCIM requests (10 in flight)", `${run.requests} in ${fixed(run.windowMs / 1000, 1)} s`],
    [
      "  by kind",
      Object.entries(run.byKind)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(", "),
    ],
    ["answers other than 2xx", String(run.failures)],
    [
      "latency p50 / p99 / max",
      `${fixed(p50, 1)} / ${fixed(p99, 1)} / ${fixed(Math.max(...run.latencies), 1)} ms`,
    ],
    ["sustained requests/s", fixed(rps, 1)],
    ["backlog left at the end of the window", `${run.backlogLeftAtEnd} of ${run.backlog}`],
    [
      "Dialpad requests, backlog start to drained / by the worker's jobs",
      `${run.dialpadRequests} / ${run.workerExchanges}${run.undrained > 0 ? ` (${run.undrained} jobs undrained: inexact)` : ""}`,
    ],
    ["Dialpad requests not belonging to jobs", String(outside)],
    ["machine", run.load],
  ];
  return [
    table(rows),
    formatTargets([
      target("p99 < 300 ms", p99 < 300, `${fixed(p99, 1)} ms`),
      target(">= 25 requests/s", rps >= 25, fixed(rps, 1)),
      target("no Dialpad request outside jobs", outside === 0, String(outside)),
      target("no SCIM answer other than 2xx", run.failures === 0, String(run.failures)),
    ]),
  ].join("\n");
}
