/**
 * The deployment's limits on a request (ALLOWED_EMAIL_DOMAINS, CALLBACK_PORTS): refused with 400
 * before anything is written.
 */
import { describe, expect, it } from "vitest";
import { callApi } from "../../support/api-caller";
import { sampleOnboardRequest } from "../../support/sample-onboard-request";
import { memoryApi } from "../support/memory-api";
import { memoryService } from "../support/memory-service";

const onboarder = { name: "hr", scopes: ["onboard"] };

function setUp(settings: Parameters<typeof memoryApi>[1]) {
  const service = memoryService();
  const api = memoryApi(service, settings);
  const post = (path: string, body: unknown) =>
    callApi(api, { method: "POST", path, body, client: onboarder });
  return { service, post };
}

describe("ALLOWED_EMAIL_DOMAINS", () => {
  const allowed = { allowedEmailDomains: ["example.com", "corp.example.org"] };

  it("refuses an onboarding in another domain with 400 email_domain_not_allowed, writing nothing", async () => {
    const { service, post } = setUp(allowed);
    const answer = await post("/v1/onboard", sampleOnboardRequest({ email: "ada@outside.test" }));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "email_domain_not_allowed",
      details: [{ path: "email", message: "Allowed domains: example.com, corp.example.org." }],
    });
    expect(service.jobs.all()).toEqual([]);
    expect(service.queue.sent).toEqual([]);
  });

  it("refuses a move to another domain (new_email), writing nothing", async () => {
    const { service, post } = setUp(allowed);
    const answer = await post("/v1/update", { email: "ada@example.com", new_email: "ada@mail.outside.test" });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "email_domain_not_allowed",
      details: [{ path: "new_email" }],
    });
    expect(service.jobs.all()).toEqual([]);
  });

  it("accepts the allowed domains, in any case, and a subdomain only when listed", async () => {
    const { post } = setUp(allowed);
    const onboard = (email: string) => post("/v1/onboard", sampleOnboardRequest({ email }));
    expect((await onboard("ada@example.com")).status).toBe(202);
    expect((await onboard("grace@Corp.Example.org")).status).toBe(202);
    expect((await onboard("alan@sub.example.com")).status).toBe(400);
  });

  it("accepts any domain when unset, or set to nothing (ALLOWED_EMAIL_DOMAINS=)", async () => {
    for (const settings of [{}, { allowedEmailDomains: [] }]) {
      const { post } = setUp(settings);
      const answer = await post("/v1/onboard", sampleOnboardRequest({ email: "ada@outside.test" }));
      expect(answer.status).toBe(202);
    }
  });
});

describe("CALLBACK_PORTS", () => {
  const withCallback = (callback_url: string) =>
    sampleOnboardRequest({ email: "ada@example.com", callback_url });

  it("refuses a callback on another port than 443 by default, writing nothing", async () => {
    const { service, post } = setUp({});
    const answer = await post("/v1/onboard", withCallback("https://hooks.example.com:8443/done"));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "validation_failed",
      details: [{ path: "callback_url" }],
    });
    expect(service.jobs.all()).toEqual([]);
  });

  it("accepts a configured port", async () => {
    const { post } = setUp({ callbackPorts: [443, 8443] });
    const answer = await post("/v1/onboard", withCallback("https://hooks.example.com:8443/done"));
    expect(answer.status).toBe(202);
  });
});
