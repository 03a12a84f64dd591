/**
 * The answers API Gateway itself gives before a function runs (no route, no or bad token, body too
 * large), taken from the same table the stack configures its gateway responses from.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { GATEWAY_ANSWERS } from "../../shared/http/gateway-answers";
import { json } from "../../shared/http/json-response";

export const LOCAL_GATEWAY_ERRORS = {
  unauthorized: { ...GATEWAY_ANSWERS.UNAUTHORIZED },
  notFound: { ...GATEWAY_ANSWERS.MISSING_AUTHENTICATION_TOKEN },
  tooLarge: { ...GATEWAY_ANSWERS.REQUEST_TOO_LARGE },
  // API Gateway answers 500 when the authorizer fails, 502 when the function throws: 500 here.
  internal: { status: 500, ...GATEWAY_ANSWERS.DEFAULT_5XX },
} as const;

export type GatewayErrorName = keyof typeof LOCAL_GATEWAY_ERRORS;

export function gatewayError(name: GatewayErrorName): APIGatewayProxyResult {
  const { status, code, message } = LOCAL_GATEWAY_ERRORS[name];
  return json(status, { error: { code, message } });
}
