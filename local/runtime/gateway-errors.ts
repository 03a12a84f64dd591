/**
 * The answers API Gateway itself gives before a function runs (no route, no or bad token, body too
 * large), in the product's error shape. They mirror the gateway responses the stack configures
 * (infra/constructs/api.ts `GATEWAY_ERRORS`; test/e2e checks the two agree).
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { json } from "../../shared/http/json-response";

export const LOCAL_GATEWAY_ERRORS = {
  unauthorized: { status: 401, code: "unauthorized", message: "Missing or invalid bearer token." },
  notFound: { status: 404, code: "not_found", message: "No such route." },
  tooLarge: { status: 413, code: "payload_too_large", message: "Request body too large." },
  internal: { status: 500, code: "internal_error", message: "Internal error." },
} as const;

export type GatewayErrorName = keyof typeof LOCAL_GATEWAY_ERRORS;

export function gatewayError(name: GatewayErrorName): APIGatewayProxyResult {
  const { status, code, message } = LOCAL_GATEWAY_ERRORS[name];
  return json(status, { error: { code, message } });
}
