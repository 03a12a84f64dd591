/**
 * A bulk dry run over a fake service (fetch injected): the bad row and the seat shortfall are named,
 * the exit code is 1, and nothing but `GET /v1/offices` is asked.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LifecycleApi } from "../../local/tools/bulk/lifecycle-api";
import { runBulk } from "../../local/tools/bulk/run-bulk";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulk-run-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeService() {
  const asked: string[] = [];
  const fetchFake = (async (url: string | URL, init?: RequestInit) => {
    asked.push(`${init?.method ?? "GET"} ${new URL(String(url)).pathname}`);
    const items = [
      { office_id: "1", name: "HQ", seats: { talk_lines: 100 } },
      { office_id: "7", name: "Berlin", seats: { talk_lines: 2, sell_lines: 0 } },
    ];
    return new Response(JSON.stringify({ items }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
  return {
    asked,
    api: new LifecycleApi({ baseUrl: "http://service.test/v1", token: "t", fetch: fetchFake }),
  };
}

describe("bulk dry run", () => {
  it("names the bad row and the shortfall, exits 1 and submits nothing", async () => {
    const file = join(dir, "people.csv");
    await writeFile(
      file,
      "email,first_name,last_name,office_name\n" +
        "not-an-email,Bad,Row,HQ\n" +
        "a@example.com,A,Berlin,Berlin\n" +
        "b@example.com,B,Berlin,Berlin\n" +
        "c@example.com,C,Berlin,Berlin\n",
    );
    const service = fakeService();
    const lines: string[] = [];
    const code = await runBulk({
      kind: "onboard",
      file,
      dryRun: true,
      api: service.api,
      out: (line) => lines.push(line),
      progressOutput: { write: () => true },
    });
    const output = lines.join("\n");
    expect(code).toBe(1);
    expect(output).toContain("row 1 (line 2), email: Expected an email address.");
    expect(output).toContain(
      "Berlin (office 7) talk_lines: 3 needed, 2 available: short by 1 (rows 2, 3, 4)",
    );
    expect(service.asked).toEqual(["GET /v1/offices"]);
  });

  it("passes a file every row of which fits", async () => {
    const file = join(dir, "fits.csv");
    await writeFile(
      file,
      "email,first_name,last_name,office_name\na@example.com,A,B,Berlin\nb@example.com,B,C,HQ\n",
    );
    const lines: string[] = [];
    const code = await runBulk({
      kind: "onboard",
      file,
      dryRun: true,
      api: fakeService().api,
      out: (line) => lines.push(line),
      progressOutput: { write: () => true },
    });
    expect(code, lines.join("\n")).toBe(0);
  });
});

describe("bulk dry run while the service refreshes its office figures", () => {
  it("asks again until the figures are fresh, and says as of when", async () => {
    const answers = [
      {
        items: [{ office_id: "7", name: "Berlin", seats: { talk_lines: 0 } }],
        as_of: "2026-12-01T08:00:00.000Z",
        refresh_requested: true,
      },
      {
        items: [{ office_id: "7", name: "Berlin", seats: { talk_lines: 5 } }],
        as_of: "2026-12-01T09:00:00.000Z",
        refresh_requested: false,
      },
    ];
    let asked = 0;
    const fetchFake = (async () =>
      new Response(JSON.stringify(answers[Math.min(asked++, answers.length - 1)]), {
        status: 200,
        headers: { "content-type": "application/json" },
      })) as typeof fetch;
    const file = join(dir, "refreshing.csv");
    await writeFile(file, "email,first_name,last_name,office_name\na@example.com,A,B,Berlin\n");
    const lines: string[] = [];
    const code = await runBulk({
      kind: "onboard",
      file,
      dryRun: true,
      api: new LifecycleApi({ baseUrl: "http://service.test/v1", token: "t", fetch: fetchFake }),
      out: (line) => lines.push(line),
      progressOutput: { write: () => true },
      sleep: async () => {},
    });
    expect(code, lines.join("\n")).toBe(0);
    expect(asked).toBe(2);
    expect(lines).toContain(
      "Seat forecast as of 2026-12-01T09:00:00.000Z (office, licence line: needed / available):",
    );
  });
});

describe("bulk results file", () => {
  it("writes a formula-looking cell as text", async () => {
    const file = join(dir, "formula.csv");
    await writeFile(file, "email,first_name,last_name,office_name\n\"=cmd|' /C calc'!A0\",A,B,HQ\n");
    const code = await runBulk({
      kind: "onboard",
      file,
      dryRun: false,
      api: fakeService().api,
      out: () => {},
      progressOutput: { write: () => true },
    });
    expect(code).toBe(1);
    const results = await readFile(join(dir, "formula.results.csv"), "utf8");
    expect(results).toContain("1,'=cmd|' /C calc'!A0,,invalid,validation_failed");
    expect(results).not.toMatch(/^1,=/m);
  });
});
