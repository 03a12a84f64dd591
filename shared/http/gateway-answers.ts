/**
 * The answers API Gateway gives by itself, before or instead of a function (no route, no or bad
 * token, throttled, body too large...), in the product's error shape and with the same codes the
 * API function uses for the same situation. Keyed by API Gateway's gateway response type; the stack
 * configures each one (infra/constructs/api.ts) and local mode answers from the same table
 * (local/runtime/gateway-errors.ts). `status` absent: API Gateway's own status is kept.
 */
export interface GatewayAnswer {
  status?: number;
  code: string;
  message: string;
}

export const GATEWAY_ANSWERS = {
  UNAUTHORIZED: { status: 401, code: "unauthorized", message: "Missing or invalid bearer token." },
  ACCESS_DENIED: { status: 403, code: "forbidden", message: "This client may not call this route." },
  // API Gateway answers an unknown route of an authorized API with this type (a 403 by default).
  MISSING_AUTHENTICATION_TOKEN: { status: 404, code: "route_not_found", message: "No such route." },
  RESOURCE_NOT_FOUND: { status: 404, code: "route_not_found", message: "No such route." },
  THROTTLED: { status: 429, code: "throttled", message: "Too many requests; slow down and retry later." },
  QUOTA_EXCEEDED: {
    status: 429,
    code: "throttled",
    message: "Too many requests; slow down and retry later.",
  },
  REQUEST_TOO_LARGE: { status: 413, code: "payload_too_large", message: "Request body too large." },
  // Bodies are validated by the API function (per-field details); these only fire if a request
  // validator is ever attached, and then answer with the function's code.
  BAD_REQUEST_BODY: {
    status: 400,
    code: "validation_failed",
    message: "The request is invalid.",
  },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    code: "validation_failed",
    message: "The request is invalid.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    message: "The request body must be JSON: send content-type: application/json.",
  },
  WAF_FILTERED: { status: 403, code: "forbidden", message: "Request blocked." },
  DEFAULT_4XX: { code: "bad_request", message: "The request was refused." },
  DEFAULT_5XX: { code: "internal_error", message: "An unexpected error occurred; please retry later." },
} as const satisfies Record<string, GatewayAnswer>;
