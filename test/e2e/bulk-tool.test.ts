/**
 * `npm run bulk` against local mode (`tsx local/start.ts`), as an operator runs it: the tool is its
 * own process (`tsx local/tools/bulk.ts`) and speaks only HTTP to the service. A dry run refuses a
 * file with a bad row and more Berlin rows than Berlin has talk seats, naming both, and creates
 * nothing; a 20-row run creates 20 users and writes the results file; running it again creates nothing.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalInstance, startLocalInstance } from "./support/local-instance";
import { sandboxState } from "./support/sandbox-control";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const TSX_CLI = resolve(REPO_ROOT, "node_modules/tsx/dist/cli.mjs");

let local: LocalInstance;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulk-e2e-"));
  local = await startLocalInstance({ PORT: "0", LOCAL_API_TOKEN: `e2e-${randomUUID()}` });
}, 90_000);

afterAll(async () => {
  await local?.stop("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

function bulk(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [TSX_CLI, "local/tools/bulk.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LIFECYCLE_API_URL: local.url, LIFECYCLE_API_TOKEN: local.token, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

const csv = (rows: string[][]) => `${rows.map((row) => row.join(",")).join("\n")}\n`;
const HEADER = ["email", "first_name", "last_name", "office_name", "ticket_system", "ticket_id"];
const tag = () => randomUUID().slice(0, 8);

describe("npm run bulk", () => {
  it("dry run: names the bad row and Berlin's seat shortfall, exits non-zero, creates nothing", async () => {
    const t = tag();
    const file = join(dir, `dry-${t}.csv`);
    const emails = [1, 2, 3].map((n) => `berlin${n}-${t}@example.com`);
    await writeFile(
      file,
      csv([
        HEADER,
        [`bad-${t}`, "Bad", "Row", "HQ", "jira", "IT-1"],
        ...emails.map((email, i) => [email, "Berlin", `Person${i}`, "Berlin", "jira", `IT-${i + 2}`]),
      ]),
    );
    const usersBefore = (await sandboxState(local.sandboxUrl ?? "")).users.length;

    const run = await bulk(["onboard", file, "--dry-run"]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/row 1 \(line 2\), email: Expected an email address\./);
    expect(run.stdout).toMatch(
      /Berlin \(office \d+\) talk_lines: 3 needed, 2 available: short by 1 \(rows 2, 3, 4\)/,
    );
    expect(run.stdout).toMatch(/Nothing was submitted/);

    expect((await sandboxState(local.sandboxUrl ?? "")).users.length).toBe(usersBefore);
    for (const email of emails)
      expect((await local.request("GET", `/v1/users/${encodeURIComponent(email)}`)).status).toBe(404);
  }, 120_000);

  it("run: creates 20 users, writes the results file; a second run creates nothing new", async () => {
    const t = tag();
    const file = join(dir, `people-${t}.csv`);
    const emails = Array.from({ length: 20 }, (_, i) => `bulk${i}-${t}@example.com`);
    await writeFile(
      file,
      csv([HEADER, ...emails.map((email, i) => [email, "Bulk", `Person${i}`, "HQ", "jira", `IT-${t}-${i}`])]),
    );
    const usersBefore = (await sandboxState(local.sandboxUrl ?? "")).users.length;

    const first = await bulk(["onboard", file]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/succeeded\s+20/);
    // Not a terminal: plain progress lines, one per row and phase.
    expect(first.stderr).toMatch(/^submitting 20\/20: row 20 /m);
    expect(first.stderr).toMatch(/^waiting \d+\/20: row \d+ .*: succeeded$/m);

    const results = parse(await readFile(join(dir, `people-${t}.results.csv`), "utf8"), {
      columns: true,
    }) as Record<string, string>[];
    expect(results.map((r) => r.row)).toEqual(emails.map((_, i) => String(i + 1)));
    expect(results.map((r) => r.email)).toEqual(emails);
    expect(results.every((r) => r.status === "succeeded" && r.job_id && r.error_code === "")).toBe(true);
    const state = await sandboxState(local.sandboxUrl ?? "");
    expect(state.users.length).toBe(usersBefore + 20);
    for (const email of emails) expect(state.users.filter((u) => u.emails.includes(email))).toHaveLength(1);

    const second = await bulk(["onboard", file]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const again = parse(await readFile(join(dir, `people-${t}.results.csv`), "utf8"), {
      columns: true,
    }) as Record<string, string>[];
    expect(again.map((r) => r.job_id)).toEqual(results.map((r) => r.job_id));
    expect((await sandboxState(local.sandboxUrl ?? "")).users.length).toBe(usersBefore + 20);
  }, 240_000);

  it("refuses to run without saying where the service is", async () => {
    const run = await bulk(["onboard", join(dir, "x.csv")], { LIFECYCLE_API_URL: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--api or LIFECYCLE_API_URL/);
  });
});
