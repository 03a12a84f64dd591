/**
 * `npm run openapi`: writes docs/openapi.json from the route table (the same document
 * `GET /v1/openapi.json` serves). A test fails when the committed copy is stale.
 */
import { writeFileSync } from "node:fs";
import { openApiJson } from "../../functions/api/openapi-document";
import { ROUTES } from "../../functions/api/routes";

const target = new URL("../../docs/openapi.json", import.meta.url);
writeFileSync(target, openApiJson(ROUTES));
console.log(`wrote ${target.pathname}`);
