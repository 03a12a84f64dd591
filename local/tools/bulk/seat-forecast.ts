/**
 * Seat forecast of a bulk file, before anything is created: how many seats each office needs per
 * licence line (onboardings, and updates that move someone to an office) against what
 * `GET /v1/offices` says is left. Pure: the offices listing comes in, the verdict goes out.
 */
import type { License } from "../../../shared/dialpad/schemas";
import { seatLineOf } from "../../../shared/dialpad/seat-lines";
import type { RowProblem } from "./rows";

export interface OfficeSeats {
  office_id: string;
  name: string;
  seats: Record<string, number>;
}

/** What a row asks of an office: its id or exact name, and the licence (talk when not said). */
export interface SeatDemand {
  row: number;
  line: number;
  office_id?: string;
  office_name?: string;
  license?: License;
}

export interface LineForecast {
  office_id: string;
  office: string;
  seat_line: string;
  needed: number;
  available: number;
  shortfall: number;
  rows: number[];
}

export function forecastSeats(
  demands: readonly SeatDemand[],
  offices: readonly OfficeSeats[],
): { lines: LineForecast[]; problems: RowProblem[] } {
  const byKey = new Map<string, LineForecast>();
  const problems: RowProblem[] = [];
  for (const demand of demands) {
    const office =
      demand.office_id !== undefined
        ? offices.find((candidate) => candidate.office_id === demand.office_id)
        : offices.find((candidate) => candidate.name === demand.office_name);
    if (!office) {
      problems.push({
        row: demand.row,
        line: demand.line,
        field: demand.office_id !== undefined ? "office_id" : "office_name",
        message: `No office has this ${demand.office_id !== undefined ? "id" : "exact name"} (${demand.office_id ?? demand.office_name}).`,
      });
      continue;
    }
    const seatLine = seatLineOf(demand.license ?? "talk");
    const key = `${office.office_id}/${seatLine}`;
    const forecast = byKey.get(key) ?? {
      office_id: office.office_id,
      office: office.name,
      seat_line: seatLine,
      needed: 0,
      available: office.seats[seatLine] ?? 0,
      shortfall: 0,
      rows: [],
    };
    forecast.needed++;
    forecast.rows.push(demand.row);
    forecast.shortfall = Math.max(0, forecast.needed - forecast.available);
    byKey.set(key, forecast);
  }
  const lines = [...byKey.values()].sort(
    (a, b) => a.office.localeCompare(b.office) || a.seat_line.localeCompare(b.seat_line),
  );
  return { lines, problems };
}

export function describeShortfall(forecast: LineForecast): string {
  return (
    `${forecast.office} (office ${forecast.office_id}) ${forecast.seat_line}: ${forecast.needed} needed, ` +
    `${forecast.available} available: short by ${forecast.shortfall} (rows ${forecast.rows.join(", ")})`
  );
}
