import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotFound } from "../../shared/errors/domain-errors";
import { httpErrorHandler, respondToError } from "../../shared/http/http-error-handler";
import { json } from "../../shared/http/json-response";
import { proxyEvent } from "./proxy-event";

const TOKEN = "tok_live_5f1d2c3b4a";
const event = proxyEvent({
  httpMethod: "GET",
  resource: "/v1/users/{email}",
  path: "/v1/users/jane@example.com",
  headers: { Authorization: `Bearer ${TOKEN}`, "Idempotency-Key": "k1" },
});
const context = {} as Context;

function recordingLogger() {
  const records: { message: unknown; attributes: unknown[] }[] = [];
  return {
    records,
    logger: { error: (message: unknown, ...attributes: unknown[]) => records.push({ message, attributes }) },
  };
}

function handlerThrowing(error: unknown, logger: Parameters<typeof httpErrorHandler>[0]["logger"]) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () => {
    throw error;
  }).use(httpErrorHandler({ logger }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("httpErrorHandler", () => {
  it("answers a domain error with its response and does not log a client error", async () => {
    const { records, logger } = recordingLogger();
    const response = await handlerThrowing(new NotFound("job_not_found", "No job has that id."), logger)(
      event,
      context,
    );
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: "job_not_found", message: "No job has that id." },
    });
    expect(records).toEqual([]);
  });

  it("answers an unexpected error with a generic 500 and logs it once with the route, not the path", async () => {
    const { records, logger } = recordingLogger();
    const response = await handlerThrowing(new Error("table prod-jobs unreachable"), logger)(event, context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("prod-jobs");
    expect(records).toHaveLength(1);
    const logged = JSON.stringify(records[0]?.attributes, (_key, value) =>
      value instanceof Error ? value.message : value,
    );
    expect(logged).toContain("table prod-jobs unreachable");
    expect(logged).toContain("/v1/users/{email}");
    expect(logged).toContain("req-1");
    expect(logged).not.toContain("jane@example.com");
  });

  it("leaves successful responses alone", async () => {
    const { records, logger } = recordingLogger();
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () =>
      json(200, { ok: true }),
    ).use(httpErrorHandler({ logger }));
    expect((await handler(event, context)).statusCode).toBe(200);
    expect(records).toEqual([]);
  });

  it("writes the 5xx log line through a real Powertools logger without headers or tokens", async () => {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const logger = new Logger({ serviceName: "test" });
    const response = await handlerThrowing(new Error("boom"), logger)(event, context);
    vi.restoreAllMocks();

    expect(response.statusCode).toBe(500);
    const line = lines.join("");
    expect(JSON.parse(line)).toMatchObject({
      level: "ERROR",
      message: "Request failed",
      http: { status: 500 },
    });
    expect(line).toContain("boom");
    expect(line).not.toContain(TOKEN);
    expect(line.toLowerCase()).not.toContain("authorization");
    expect(line).not.toContain("Idempotency-Key");
  });
});

describe("respondToError", () => {
  it("works without an event (callers outside API Gateway)", () => {
    const { records, logger } = recordingLogger();
    expect(respondToError(new Error("x"), undefined, logger).statusCode).toBe(500);
    expect(records).toHaveLength(1);
  });
});
