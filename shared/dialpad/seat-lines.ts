/**
 * The one licence → seat-line table: which count of `GET /offices/{id}/available_licenses` a user
 * of each licence consumes. Dialpad does not document it (see docs/dialpad.md): `agents` are sales
 * lines, `lite_support_agents` contact-center lines, every other licence a talk line. Typed over
 * every licence of the spec, so a new licence does not compile until it has a line.
 */
import type { License } from "./schemas";

export const SEAT_LINES = ["talk_lines", "sell_lines", "contact_center_lines"] as const;
export type SeatLine = (typeof SEAT_LINES)[number];

export const SEAT_LINE_OF_LICENSE: Readonly<Record<License, SeatLine>> = {
  admins: "talk_lines",
  agents: "sell_lines",
  dpde_all: "talk_lines",
  dpde_one: "talk_lines",
  lite_lines: "talk_lines",
  lite_support_agents: "contact_center_lines",
  magenta_lines: "talk_lines",
  talk: "talk_lines",
};

export const seatLineOf = (license: License): SeatLine => SEAT_LINE_OF_LICENSE[license];
