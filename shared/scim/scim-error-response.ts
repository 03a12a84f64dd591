/**
 * Errors of the `/scim/` routes, in SCIM's error shape (RFC 7644 §3.12): `schemas`, `status` as a
 * string, `scimType` where SCIM names one, `detail`. The same statuses and headers as the one
 * error mapping (error-response.ts: 429 and 503 keep `retry-after`), only the body differs, so an
 * identity provider reads every refusal (401, 403, 404, 409, 413...) the way it expects.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { toApiError } from "../http/error-response";
import { json } from "../http/json-response";
import { SCIM_CONTENT_TYPE } from "./media-type";
import { ScimError, type ScimType, scimErrorBody } from "./scim-error";
import { ScimUserChanged } from "./scim-user-store";

/** Our error codes SCIM has a `scimType` for. */
const SCIM_TYPES: Record<string, ScimType> = {
  validation_failed: "invalidValue",
  invalid_path: "invalidValue",
  email_domain_not_allowed: "invalidValue",
  invalid_json: "invalidSyntax",
};

export function toScimHttpResponse(error: unknown): APIGatewayProxyResult {
  const headers = { "content-type": SCIM_CONTENT_TYPE };
  if (error instanceof ScimError)
    return json(error.status, scimErrorBody(error.status, error.detail, error.scimType), headers);
  if (error instanceof ScimUserChanged)
    return json(
      409,
      scimErrorBody(409, "The user changed while this request was handled; read it again and retry."),
      headers,
    );
  const apiError = toApiError(error);
  const details = apiError.details?.map((detail) => `${detail.path || "value"}: ${detail.message}`) ?? [];
  return json(
    apiError.status,
    scimErrorBody(apiError.status, [apiError.message, ...details].join(" "), SCIM_TYPES[apiError.code]),
    { ...apiError.headers, ...headers },
  );
}

/** SCIM's routes are the ones under `/scim/`. */
export const isScimResource = (resource: string | undefined) => resource?.startsWith("/scim/") === true;
