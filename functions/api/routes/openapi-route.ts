/**
 * `GET /v1/openapi.json`: this API as an OpenAPI 3.1 document, generated from the route table on
 * first use and kept for the container's life (it only changes with a deployment).
 */
import * as z from "zod";
import { openApiDocument } from "../openapi-document";
import { defineRoute, type Route, reply } from "../route";

/**
 * The route serving the document of `routes`: the table (routes.ts) passes itself, read only when
 * the document is first asked for, since the table lists this route too.
 */
export const openApiRoute = (routes: () => readonly Route[]) => {
  let document: Record<string, unknown> | undefined;
  return defineRoute({
    name: "openApi",
    method: "GET",
    path: "/v1/openapi.json",
    summary: "This API as an OpenAPI 3.1 document",
    tag: "service",
    open: "The API's own description, open by the product contract so tools can import it; it holds no data.",
    fn: "api",
    request: {},
    responses: {
      200: {
        description: "The OpenAPI 3.1 document.",
        schema: z.record(z.string(), z.unknown()).meta({ description: "An OpenAPI 3.1 document." }),
      },
    },
    handle: async () => {
      document ??= openApiDocument(routes());
      return reply(200, document);
    },
  });
};
