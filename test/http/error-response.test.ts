import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { SecretsManagerServiceException } from "@aws-sdk/client-secrets-manager";
import { SQSServiceException } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import {
  IDEMPOTENCY_CONFLICT_MESSAGE,
  IdempotencyConflict,
  InvalidInput,
  NotAuthenticated,
  NotFound,
  NotPermitted,
  RequestAlreadyHandled,
  StateConflict,
} from "../../shared/errors/domain-errors";
import {
  BadRequestError,
  InternalError,
  InvalidJsonError,
  PayloadTooLargeError,
  ThrottledError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../../shared/http/api-error";
import { toHttpResponse } from "../../shared/http/error-response";
import { json } from "../../shared/http/json-response";
import { SecretReadError } from "../../shared/secrets/secret-source";

const bodyOf = (response: { body: string }) => JSON.parse(response.body);

describe("toHttpResponse", () => {
  const cases: [Error & { details?: unknown }, number, string][] = [
    [new ValidationError([{ path: "email", message: "Required." }]), 400, "validation_failed"],
    [new InvalidJsonError(), 400, "invalid_json"],
    [new BadRequestError("invalid_path", "Bad path."), 400, "invalid_path"],
    [new InvalidInput("invalid_idempotency_key", "Bad key."), 400, "invalid_idempotency_key"],
    [new NotAuthenticated(), 401, "unauthorized"],
    [new NotPermitted("No."), 403, "forbidden"],
    [new NotPermitted("Not your own.", "self_approval"), 403, "self_approval"],
    [new NotFound("job_not_found", "No job has that id."), 404, "job_not_found"],
    [new StateConflict("not_suspended", "Nothing to approve."), 409, "not_suspended"],
    [new PayloadTooLargeError(32768), 413, "payload_too_large"],
    [new UnsupportedMediaTypeError(), 415, "unsupported_media_type"],
    [new ThrottledError(), 429, "throttled"],
    [new InternalError(), 500, "internal_error"],
  ];
  it.each(cases)("maps %s to its status and code", (error, status, code) => {
    const response = toHttpResponse(error);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ "content-type": "application/json" });
    expect(bodyOf(response)).toEqual({
      error: { code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    });
  });

  it("maps a reused idempotency key to 409 without naming the existing job", () => {
    const response = toHttpResponse(new IdempotencyConflict("job-123"));
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toEqual({
      error: { code: "idempotency_conflict", message: IDEMPOTENCY_CONFLICT_MESSAGE },
    });
  });

  it("maps a request carried out by an expired job to 409 request_already_handled", () => {
    const response = toHttpResponse(new RequestAlreadyHandled("job-9"));
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe("request_already_handled");
  });

  it("lists each bad field of a validation error in details", () => {
    const details = [
      { path: "email", message: "Required." },
      { path: "ticket.id", message: "Must not be empty." },
    ];
    expect(bodyOf(toHttpResponse(new ValidationError(details))).error.details).toEqual(details);
  });

  it("omits details when the error has none", () => {
    expect(bodyOf(toHttpResponse(new NotAuthenticated())).error).not.toHaveProperty("details");
  });

  it("answers unknown errors with a generic 500 that does not echo their text", () => {
    const response = toHttpResponse(new Error("ConditionalCheckFailed on table prod-jobs with key=abc"));
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).error.code).toBe("internal_error");
    expect(response.body).not.toContain("prod-jobs");
    expect(response.body).not.toContain("ConditionalCheck");
  });

  it("answers thrown non-errors with the same generic 500", () => {
    expect(toHttpResponse("boom").statusCode).toBe(500);
    expect(toHttpResponse(undefined).statusCode).toBe(500);
  });

  it("puts retry-after on a 429 when the wait is known, rounded up to whole seconds", () => {
    expect(toHttpResponse(new ThrottledError(1.2)).headers).toMatchObject({ "retry-after": "2" });
    expect(toHttpResponse(new ThrottledError()).headers).not.toHaveProperty("retry-after");
  });
});

describe("json", () => {
  it("serialises the body with a JSON content type", () => {
    expect(json(202, { job_id: "j1" })).toEqual({
      statusCode: 202,
      headers: { "content-type": "application/json" },
      body: '{"job_id":"j1"}',
    });
  });

  it("adds extra headers", () => {
    expect(json(200, {}, { location: "/v1/jobs/j1" }).headers).toEqual({
      "content-type": "application/json",
      location: "/v1/jobs/j1",
    });
  });

  describe("a passing AWS outage", () => {
    const metadata = { httpStatusCode: 400 };
    const outages: [string, Error][] = [
      [
        "DynamoDB throughput exceeded",
        new ProvisionedThroughputExceededException({ message: "x", $metadata: metadata }),
      ],
      [
        "a throttled SQS",
        new SQSServiceException({ name: "ThrottlingException", $fault: "client", $metadata: metadata }),
      ],
      ["a DynamoDB 500", new InternalServerError({ message: "x", $metadata: { httpStatusCode: 500 } })],
      [
        "an SQS server fault",
        new SQSServiceException({ name: "InternalFailure", $fault: "server", $metadata: {} }),
      ],
      ["a request timeout", Object.assign(new Error("timed out"), { name: "TimeoutError" })],
      ["a dropped connection", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
      [
        "Secrets Manager unavailable at a cold start",
        new SecretReadError("Could not read secret arn.", {
          cause: new SecretsManagerServiceException({
            name: "InternalServiceError",
            $fault: "server",
            $metadata: { httpStatusCode: 500 },
          }),
        }),
      ],
      [
        "a transaction cancelled by throttling",
        new TransactionCanceledException({
          message: "x",
          $metadata: metadata,
          CancellationReasons: [{ Code: "None" }, { Code: "ThrottlingError" }],
        }),
      ],
    ];
    it.each(outages)("answers %s with 503 and retry-after", (_, error) => {
      const response = toHttpResponse(error);
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ "retry-after": "2" });
      expect(bodyOf(response).error.code).toBe("service_unavailable");
    });

    it("still answers a bug (a failed condition, a plain error) with 500", () => {
      const cancelled = new TransactionCanceledException({
        message: "x",
        $metadata: metadata,
        CancellationReasons: [{ Code: "ConditionalCheckFailed" }],
      });
      const missingSecret = new SecretReadError("Could not read secret arn.", {
        cause: new SecretsManagerServiceException({
          name: "ResourceNotFoundException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        }),
      });
      for (const error of [
        cancelled,
        missingSecret,
        new TypeError("undefined is not a function"),
        new Error("ECONNRESET"),
      ])
        expect(toHttpResponse(error).statusCode, String(error)).toBe(500);
    });
  });
});
