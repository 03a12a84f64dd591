/**
 * `GET /v1/offices` (scope `read`): offices with the seats left on each licence line, from what the
 * worker stored (the API holds no Dialpad key); stale or missing figures are refreshed by the worker
 * on the bulk lane (shared/lifecycle/office-seats.ts). A forecast, not a reservation.
 */
import * as z from "zod";
import { ApiError } from "../../../shared/http/api-error";
import { listOfficeSeats } from "../../../shared/lifecycle/office-seats";
import { defineRoute, reply } from "../route";

/** Seconds a client should wait, when nothing is stored yet, for the worker's first reading. */
const FIRST_READING_RETRY_AFTER_SECONDS = 5;

const isoTime = (epochMs: number | undefined) =>
  epochMs === undefined ? null : new Date(epochMs).toISOString();

const officeSeatsSchema = z
  .object({
    office_id: z.string(),
    name: z.string(),
    seats: z.record(z.string(), z.number()).meta({
      description:
        "Seats left per licence line, e.g. `talk_lines`, `contact_center_lines`; empty when the office has no reading yet.",
    }),
    as_of: z.iso.datetime().nullable().meta({
      description:
        "When Dialpad counted these seats (seats taken by jobs since are counted down); null: no reading yet.",
    }),
  })
  .meta({ id: "OfficeSeats" });

export const listOffices = defineRoute({
  name: "listOffices",
  method: "GET",
  path: "/v1/offices",
  summary: "List offices and the seats left",
  description:
    "How a bulk run forecasts: seats left per office and licence line as Dialpad last reported them (`available_licenses`), read by the worker and counted down as jobs take seats. Figures older than 60 s (or missing) make the worker read them again on the bulk lane; the answer is what is stored, with `as_of` and `refresh_requested: true` (ask again a few seconds later for fresher figures).",
  tag: "offices",
  scope: "read",
  fn: "api",
  request: {},
  responses: {
    200: {
      description: "Every office, as stored.",
      schema: z.object({
        items: z.array(officeSeatsSchema),
        as_of: z.iso
          .datetime()
          .meta({ description: "The oldest figure of this answer: the office list's or an office's seats." }),
        refresh_requested: z.boolean().meta({
          description: "Some figure was missing or older than 60 s: the worker is reading them again.",
        }),
      }),
      example: {
        items: [
          {
            office_id: "5001",
            name: "Berlin",
            seats: { talk_lines: 2, contact_center_lines: 0 },
            as_of: "2026-12-01T09:29:40.000Z",
          },
        ],
        as_of: "2026-12-01T09:29:40.000Z",
        refresh_requested: false,
      },
    },
  },
  errors: {
    503: {
      description: `Nothing stored yet (the first listing since the deployment): the worker was asked to read the offices; retry after \`retry-after\` seconds (${FIRST_READING_RETRY_AFTER_SECONDS}).`,
      codes: ["offices_not_read_yet"],
    },
  },
  handle: async (_input, deps) => {
    const listing = await listOfficeSeats(deps.officeSeats);
    if (!listing)
      throw new ApiError(
        503,
        "offices_not_read_yet",
        "The offices have not been read from Dialpad yet; the service is reading them now. Retry shortly.",
        undefined,
        { "retry-after": String(FIRST_READING_RETRY_AFTER_SECONDS) },
      );
    return reply(200, {
      items: listing.offices.map(({ readAt, ...office }) => ({ ...office, as_of: isoTime(readAt) })),
      as_of: new Date(listing.asOf).toISOString(),
      refresh_requested: listing.refreshRequested,
    });
  },
});
