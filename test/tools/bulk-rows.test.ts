/**
 * The bulk file's rows become the API's request bodies and are checked with the service's own
 * schemas, naming row and column; the seat forecast adds up what each office and licence line needs.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRow, describeProblem, readRows, rowBody } from "../../local/tools/bulk/rows";
import { forecastSeats, type OfficeSeats } from "../../local/tools/bulk/seat-forecast";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulk-rows-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("bulk rows", () => {
  it("parses quoted cells, a BOM and multi-line cells, and numbers rows and lines", async () => {
    const file = join(dir, "people.csv");
    await writeFile(
      file,
      "\uFEFFemail,first_name,last_name,office_name,call_center_ids,ticket_system,ticket_id\n" +
        'ada@example.com,"Ada, Countess",Lovelace,HQ,1; 2 ;,jira,IT-1\n' +
        "\n" +
        'bob@example.com,"Bob\nthe second",Builder,Berlin,,,\n',
    );
    const rows = await readRows(file);
    expect(rows.map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(rowBody("onboard", rows[0]?.cells ?? {})).toEqual({
      email: "ada@example.com",
      first_name: "Ada, Countess",
      last_name: "Lovelace",
      office_name: "HQ",
      call_center_ids: ["1", "2"],
      ticket: { system: "jira", id: "IT-1" },
    });
    expect(checkRow("onboard", rows[1] as never).ok).toBe(true);
  });

  it("names the row, its line and the column of every problem", () => {
    const row = {
      row: 3,
      line: 4,
      cells: {
        email: "not-an-email",
        first_name: "",
        last_name: "X",
        office_name: "HQ",
        ticket_id: "IT-9",
        colour: "red",
      },
    };
    const checked = checkRow("onboard", row);
    expect(checked.ok).toBe(false);
    const described = checked.ok ? [] : checked.problems.map(describeProblem);
    expect(described).toEqual(
      expect.arrayContaining([
        "row 3 (line 4), email: Expected an email address.",
        "row 3 (line 4), first_name: Required.",
        "row 3 (line 4), colour: Unknown field.",
        expect.stringMatching(/^row 3 \(line 4\), ticket_system: /),
      ]),
    );
  });

  it("spells offboard handoffs and numbers for a spreadsheet", () => {
    expect(
      rowBody("offboard", {
        email: "a@example.com",
        retention_days: "7",
        number_handoff: "user:boss@example.com",
      }),
    ).toEqual({
      email: "a@example.com",
      retention_days: 7,
      number_handoff: { to: "user", email: "boss@example.com" },
    });
    expect(
      checkRow("offboard", {
        row: 1,
        line: 2,
        cells: { email: "a@example.com", number_handoff: "office:123" },
      }).ok,
    ).toBe(true);
    expect(
      checkRow("offboard", { row: 1, line: 2, cells: { email: "a@example.com", retention_days: "soon" } }).ok,
    ).toBe(false);
  });
});

describe("seat forecast", () => {
  const offices: OfficeSeats[] = [
    { office_id: "10", name: "HQ", seats: { talk_lines: 50, sell_lines: 0 } },
    { office_id: "20", name: "Berlin", seats: { talk_lines: 2 } },
  ];

  it("adds up demand per office and licence line and names the shortfall and its rows", () => {
    const { lines, problems } = forecastSeats(
      [
        { row: 2, line: 3, office_name: "Berlin" },
        { row: 3, line: 4, office_id: "20" },
        { row: 4, line: 5, office_name: "Berlin", license: "talk" },
        { row: 5, line: 6, office_name: "HQ", license: "agents" },
        { row: 6, line: 7, office_name: "Nowhere" },
      ],
      offices,
    );
    expect(lines).toEqual([
      {
        office_id: "20",
        office: "Berlin",
        seat_line: "talk_lines",
        needed: 3,
        available: 2,
        shortfall: 1,
        rows: [2, 3, 4],
      },
      {
        office_id: "10",
        office: "HQ",
        seat_line: "sell_lines",
        needed: 1,
        available: 0,
        shortfall: 1,
        rows: [5],
      },
    ]);
    expect(problems.map(describeProblem)).toEqual([
      "row 6 (line 7), office_name: No office has this exact name (Nowhere).",
    ]);
  });
});
