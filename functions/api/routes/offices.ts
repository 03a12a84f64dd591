/**
 * `GET /v1/offices` (scope `read`): offices with the seats left on each licence line, from Dialpad
 * on the bulk lane of the rate budget, cached briefly (a forecast, not a reservation).
 */
import { z } from "zod";
import { defineRoute, reply } from "../route";

const officeSeatsSchema = z
  .object({
    office_id: z.string(),
    name: z.string(),
    seats: z
      .record(z.string(), z.number())
      .meta({ description: "Seats left per licence line, e.g. `talk_lines`, `contact_center_lines`." }),
  })
  .meta({ id: "OfficeSeats" });

export const listOffices = defineRoute({
  name: "listOffices",
  method: "GET",
  path: "/v1/offices",
  summary: "List offices and the seats left",
  description:
    "How a bulk run forecasts: seats left per office and licence line as Dialpad reports them (`available_licenses`), at most 30 s old.",
  tag: "offices",
  scope: "read",
  fn: "api",
  request: {},
  responses: {
    200: {
      description: "Every office.",
      schema: z.object({ items: z.array(officeSeatsSchema) }),
      example: {
        items: [{ office_id: "5001", name: "Berlin", seats: { talk_lines: 2, contact_center_lines: 0 } }],
      },
    },
  },
  handle: async (_input, deps) => reply(200, { items: await deps.offices().list() }),
});
