/**
 * The OpenAPI document: a valid OpenAPI 3.1 document listing every route of the table, committed
 * current as docs/openapi.json, served without a token, and true: real answers of every route
 * (success and error, over DynamoDB Local and SQS) validate against the schema it gives for their
 * status.
 */
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiHandler } from "../../functions/api/api";
import { openApiDocument, openApiJson } from "../../functions/api/openapi-document";
import { matchRoute, ROUTES } from "../../functions/api/routes";
import { createWebhookHandler } from "../../functions/webhook/handler";
import { refreshOfficeSeats } from "../../shared/lifecycle/office-seats";
import { systemClock } from "../../shared/lifecycle/ports";
import { StaticSecretSource } from "../../shared/secrets/static-secret-source";
import { WebhookKeyring } from "../../shared/webhook/webhook-keys";
import { type ApiCall, apiOf, callApi } from "../support/api-caller";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

const document = openApiDocument(ROUTES);
type Operation = { operationId: string; security: Record<string, string[]>[]; responses: object };
const paths = document.paths as Record<string, Record<string, Operation>>;

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it.each(ROUTES.map((route) => [route.method, route.path, route] as const))(
    "lists %s %s with the scope it needs",
    (method, path, route) => {
      const operation = paths[path]?.[method.toLowerCase()];
      expect(operation?.operationId).toBe(route.name);
      expect(operation?.security).toEqual(route.scope ? [{ bearer: [route.scope] }] : []);
    },
  );

  it("is committed current: run `npm run openapi` after changing a route", () => {
    const committed = readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8");
    expect(committed).toBe(openApiJson(ROUTES));
  });
});

describe("real answers match the document", () => {
  let h: LifecycleHarness;
  let api: ApiHandler;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  /** `operationId status` of every answer validated. */
  const validated = new Set<string>();

  const requester = { name: "ticketing", scopes: ["onboard", "offboard", "read"] };
  const approver = { name: "security", scopes: ["approve", "legal_hold", "read"] };
  const admin = { name: "it-admin", scopes: ["onboard", "offboard", "read", "approve", "admin"] };
  const onboardBody = {
    email: "contract@example.com",
    first_name: "Con",
    last_name: "Tract",
    office_name: "HQ",
  };

  beforeAll(async () => {
    h = await startLifecycleHarness({ startWorkers: false });
    api = apiOf(h.service);
  });
  afterAll(() => h.stop());

  function expectDocumented(
    operationId: string,
    method: string,
    path: string,
    status: number,
    body: unknown,
    mediaType = "application/json",
  ) {
    if (status === 204) {
      expect(body).toBeUndefined();
      validated.add(`${operationId} ${status}`);
      return;
    }
    const pointer = [
      "paths",
      path,
      method.toLowerCase(),
      "responses",
      String(status),
      "content",
      mediaType,
      "schema",
    ]
      .map((segment) =>
        encodeURIComponent(segment.replaceAll("~", "~0").replaceAll("/", "~1")).replaceAll("%2B", "+"),
      )
      .join("/");
    const valid = ajv.validate({ $ref: `openapi.json#/${pointer}` }, body);
    expect(valid, `${operationId} ${status}: ${ajv.errorsText()} in ${JSON.stringify(body)}`).toBe(true);
    validated.add(`${operationId} ${status}`);
  }

  /** Calls the API function and validates the answer against its operation in the document. */
  async function answer(call: ApiCall, expectedStatus: number) {
    const response = await callApi(api, call);
    const route = matchRoute(call.method, call.path.split("?")[0] ?? "")?.route;
    if (!route) throw new Error(`no route for ${call.method} ${call.path}`);
    expect(response.status, JSON.stringify(response.body)).toBe(expectedStatus);
    const mediaType = route.wire === "scim" ? "application/scim+json" : "application/json";
    expect(response.headers["content-type"]).toBe(mediaType);
    expectDocumented(route.name, route.method, route.path, response.status, response.body, mediaType);
    return response;
  }

  it("refuses what does not match (the check can fail)", () => {
    const job = `openapi.json#/paths/${encodeURIComponent("~1v1~1jobs~1{job_id}")}/get/responses/200/content/application~1json/schema`;
    expect(ajv.validate({ $ref: job }, { job_id: 1, status: "lost" })).toBe(false);
    const error = "openapi.json#/components/schemas/Error";
    expect(ajv.validate({ $ref: error }, { error: { code: "x" } })).toBe(false);
    expect(ajv.validate({ $ref: error }, { error: { code: "x", message: "y" } })).toBe(true);
  });

  it("health and the document itself", async () => {
    await answer({ method: "GET", path: "/v1/health" }, 200);
    const served = await answer({ method: "GET", path: "/v1/openapi.json" }, 200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it("onboard: 202, 200, 400, 401, 403, 409, 413, 415", async () => {
    const headers = { "idempotency-key": "contract-1" };
    await answer({ method: "POST", path: "/v1/onboard", body: onboardBody, headers, client: requester }, 202);
    await answer({ method: "POST", path: "/v1/onboard", body: onboardBody, headers, client: requester }, 200);
    const other = { ...onboardBody, first_name: "Other" };
    await answer({ method: "POST", path: "/v1/onboard", body: other, headers, client: requester }, 409);
    const invalid = await answer(
      { method: "POST", path: "/v1/onboard", body: { email: "x" }, client: requester },
      400,
    );
    expect(invalid.body.error.details.length).toBeGreaterThan(1);
    await answer({ method: "POST", path: "/v1/onboard", body: onboardBody }, 401);
    const admins = { ...onboardBody, admin_type: "office" };
    await answer({ method: "POST", path: "/v1/onboard", body: admins, client: requester }, 403);
    const huge = { ...onboardBody, first_name: "x".repeat(40_000) };
    await answer({ method: "POST", path: "/v1/onboard", body: huge, client: requester }, 413);
    const text = { "content-type": "text/plain" };
    await answer(
      { method: "POST", path: "/v1/onboard", body: onboardBody, headers: text, client: requester },
      415,
    );
  });

  it("offboard: 202, 400, 403", async () => {
    await answer(
      { method: "POST", path: "/v1/offboard", body: { email: "gone@example.com" }, client: requester },
      202,
    );
    await answer(
      { method: "POST", path: "/v1/offboard", body: { retention_days: -1 }, client: requester },
      400,
    );
    const short = { email: "gone@example.com", retention_days: 1 };
    await answer({ method: "POST", path: "/v1/offboard", body: short, client: requester }, 403);
  });

  it("jobs and people: 200, 400, 403, 404", async () => {
    const accepted = await callApi(api, {
      method: "POST",
      path: "/v1/offboard",
      body: {
        email: "read.me@example.com",
        ticket: { system: "jira", id: "IT-1", url: "https://jira.example.com/IT-1" },
      },
      client: requester,
    });
    await answer({ method: "GET", path: `/v1/jobs/${accepted.body.job_id}`, client: requester }, 200);
    await answer({ method: "GET", path: "/v1/jobs/unknown", client: requester }, 404);
    await answer(
      { method: "GET", path: "/v1/jobs/unknown", client: { name: "x", scopes: ["onboard"] } },
      403,
    );

    await suspended("read.me@example.com", "ticketing");
    await answer({ method: "GET", path: "/v1/users/read.me%40example.com", client: requester }, 200);
    await answer({ method: "GET", path: "/v1/users/nobody%40example.com", client: requester }, 404);
    await answer({ method: "GET", path: "/v1/users/%E0%A4%A", client: requester }, 400);
  });

  it("lists: 200, 400, 403", async () => {
    const jobs = await answer({ method: "GET", path: "/v1/jobs?limit=2", client: requester }, 200);
    expect(jobs.body.items).toHaveLength(2);
    await answer(
      { method: "GET", path: "/v1/jobs?status=failed&ticket_system=jira&ticket_id=IT-1", client: requester },
      200,
    );
    await answer({ method: "GET", path: "/v1/jobs?cursor=bad", client: requester }, 400);
    await answer({ method: "GET", path: "/v1/jobs", client: { name: "x", scopes: ["onboard"] } }, 403);
    const people = await answer(
      { method: "GET", path: "/v1/users?deletion=pending", client: requester },
      200,
    );
    expect(people.body.items.length).toBeGreaterThan(0);
    await answer({ method: "GET", path: "/v1/users?state=gone", client: requester }, 400);
  });

  it("offices: 200, 403, 503", async () => {
    await answer({ method: "GET", path: "/v1/offices", client: requester }, 503);
    // What the worker does with the refresh message that answer asked for.
    await refreshOfficeSeats({
      dialpad: h.service.dialpad.bulk,
      offices: h.service.officeSeats.offices,
      seats: h.service.lifecycle.seats,
      now: () => Date.now(),
    });
    const offices = await answer({ method: "GET", path: "/v1/offices", client: requester }, 200);
    expect(offices.body.items.length).toBeGreaterThan(0);
    await answer({ method: "GET", path: "/v1/offices", client: { name: "x", scopes: ["onboard"] } }, 403);
  });

  it("approve-deletion: 200, 403, 404, 409", async () => {
    await suspended("approve.me@example.com", "ticketing");
    const path = "/v1/users/approve.me%40example.com/approve-deletion";
    const own = await answer(
      { method: "POST", path, client: { name: "ticketing", scopes: ["approve"] } },
      403,
    );
    expect(own.body.error.code).toBe("self_approval");
    await answer({ method: "POST", path, client: requester }, 403);
    const approved = await answer(
      { method: "POST", path, body: { ticket: { system: "jira", id: 7 } }, client: approver },
      200,
    );
    expect(approved.body.deletion_approved_at).toEqual(expect.any(String));
    await answer(
      { method: "POST", path: "/v1/users/nobody%40example.com/approve-deletion", client: approver },
      404,
    );
    await h.service.people.apply("active@example.com", {
      set: { state: "active", user_id: "900", updated_at: new Date().toISOString() },
      history: { at: new Date().toISOString(), action: "onboarded", source: "worker", client: "ticketing" },
      historyId: "contract-active",
    });
    await answer(
      { method: "POST", path: "/v1/users/active%40example.com/approve-deletion", client: approver },
      409,
    );
  });

  it("update: 202, 400, 403", async () => {
    const mover = { email: "mover@example.com", office_name: "HQ" };
    await answer({ method: "POST", path: "/v1/update", body: mover, client: requester }, 202);
    await answer({ method: "POST", path: "/v1/update", body: { office_name: "HQ" }, client: requester }, 400);
    const revoke = { email: "mover@example.com", admin_type: "none" };
    await answer({ method: "POST", path: "/v1/update", body: revoke, client: requester }, 403);
  });

  it("legal hold: 200, 403, 404, 409", async () => {
    await suspended("held@example.com", "ticketing");
    const path = "/v1/users/held%40example.com/hold";
    await answer({ method: "POST", path, body: { reason: "litigation" }, client: requester }, 403);
    const held = await answer(
      { method: "POST", path, body: { reason: "litigation" }, client: approver },
      200,
    );
    expect(held.body.hold).toMatchObject({ reason: "litigation", by: "security" });
    const notOwner = { name: "hr", scopes: ["legal_hold"] };
    const refused = await answer({ method: "DELETE", path, client: notOwner }, 403);
    expect(refused.body.error.code).toBe("not_hold_owner");
    await answer({ method: "DELETE", path, client: approver }, 200);
    const unknown = "/v1/users/nobody%40example.com/hold";
    await answer({ method: "POST", path: unknown, body: { reason: "x" }, client: approver }, 404);
    await answer({ method: "DELETE", path: unknown, client: approver }, 404);
    const at = new Date().toISOString();
    await h.service.people.apply("deleted@example.com", {
      set: { state: "deleted", user_id: "902", deleted_at: at, updated_at: at },
      history: { at, action: "deleted", source: "sweeper" },
      historyId: "contract-deleted",
    });
    const deleted = "/v1/users/deleted%40example.com/hold";
    await answer({ method: "POST", path: deleted, body: { reason: "x" }, client: approver }, 409);
  });

  it("release and cancel of a held job: 200, 403, 404, 409", async () => {
    const guarded = { ...requester, name: "guarded", massOffboardLimit: 1 };
    const offboard = (email: string) =>
      answer({ method: "POST", path: "/v1/offboard", body: { email }, client: guarded }, 202);
    await offboard("g1@example.com");
    const held = await offboard("g2@example.com");
    expect(held.body).toMatchObject({ status: "held", held_reason: expect.any(String) });
    const path = `/v1/jobs/${held.body.job_id}`;
    await answer(
      { method: "POST", path: `${path}/release`, client: { name: "guarded", scopes: ["approve"] } },
      403,
    );
    await answer({ method: "POST", path: `${path}/release`, client: requester }, 403);
    await answer({ method: "POST", path: "/v1/jobs/unknown/release", client: approver }, 404);
    await answer({ method: "POST", path: `${path}/release`, client: approver }, 200);
    await answer({ method: "POST", path: `${path}/release`, client: approver }, 409);
    await answer({ method: "POST", path: `${path}/cancel`, client: approver }, 200);
    await answer({ method: "POST", path: `${path}/cancel`, client: approver }, 409);
    await answer({ method: "POST", path: "/v1/jobs/unknown/cancel", client: approver }, 404);
  });

  it("import: 202, 403", async () => {
    await answer({ method: "POST", path: "/v1/import", client: requester }, 403);
    await answer({ method: "POST", path: "/v1/import", client: admin }, 202);
  });

  it("reconcile: 202, 200, 403, 404", async () => {
    await answer({ method: "POST", path: "/v1/reconcile", client: requester }, 403);
    const started = await answer({ method: "POST", path: "/v1/reconcile", client: admin }, 202);
    await answer({ method: "GET", path: started.body.links.self, client: requester }, 200);
    await answer({ method: "GET", path: "/v1/reconcile/unknown", client: requester }, 404);
  });

  it("the Dialpad webhook (webhook function): 200, 401", async () => {
    const secret = "contract-webhook-secret";
    const receive = createWebhookHandler({
      keys: new WebhookKeyring(
        new StaticSecretSource({ webhook_secret: JSON.stringify({ current: secret }) }),
        "webhook_secret",
      ),
      events: h.service.events,
      userSyncs: h.service.userSyncs,
      clock: systemClock,
    });
    const signed = await new SignJWT({
      action: "office_updated",
      target: { type: "office", id: "1" },
      date: Date.now(),
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(secret));
    for (const [body, status] of [
      [signed, 200],
      ["not-a-jwt", 401],
    ] as const) {
      const response = await receive({ body, isBase64Encoded: false });
      expect(response.statusCode).toBe(status);
      expectDocumented("dialpadWebhook", "POST", "/v1/webhooks/dialpad", status, JSON.parse(response.body));
    }
  });

  it("SCIM users: 201, 200, 204, 400, 401, 403, 404, 409", async () => {
    const idp = { name: "okta", scopes: ["scim"] };
    const user = {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "scim.contract@example.com",
      name: { givenName: "Scim", familyName: "Contract" },
      emails: [{ value: "scim.contract@example.com", primary: true }],
      active: true,
    };
    const created = await answer({ method: "POST", path: "/scim/v2/Users", body: user, client: idp }, 201);
    const id = (created.body as { id: string }).id;
    await answer({ method: "POST", path: "/scim/v2/Users", body: user, client: idp }, 409);
    await answer({ method: "POST", path: "/scim/v2/Users", body: { userName: "x" }, client: idp }, 400);
    await answer({ method: "GET", path: `/scim/v2/Users/${id}`, client: idp }, 200);
    const listed = await answer(
      {
        method: "GET",
        path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "SCIM.CONTRACT@example.com"`)}`,
        client: idp,
      },
      200,
    );
    expect(listed.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    await answer({ method: "GET", path: "/scim/v2/Users?startIndex=1&count=10", client: idp }, 200);
    await answer(
      { method: "PUT", path: `/scim/v2/Users/${id}`, body: { ...user, displayName: "S C" }, client: idp },
      200,
    );
    await answer(
      {
        method: "PATCH",
        path: `/scim/v2/Users/${id}`,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", value: { active: false } }],
        },
        client: idp,
      },
      200,
    );
    await answer({ method: "DELETE", path: `/scim/v2/Users/${id}`, client: idp }, 204);
    await answer({ method: "GET", path: `/scim/v2/Users/${id}`, client: idp }, 404);
    await answer(
      { method: "GET", path: "/scim/v2/Users", client: { name: "ticketing", scopes: ["read"] } },
      403,
    );
    await answer({ method: "GET", path: "/scim/v2/Users" }, 401);
    for (const path of ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/User", "Schemas"])
      await answer({ method: "GET", path: `/scim/v2/${path}`, client: idp }, 200);
    const dialpadSchema = "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User";
    await answer({ method: "GET", path: `/scim/v2/Schemas/${dialpadSchema}`, client: idp }, 200);
    await answer({ method: "GET", path: "/scim/v2/Schemas/urn:nope", client: idp }, 404);
  });

  it("SCIM groups: 201, 200, 204, 400, 404, 409", async () => {
    const idp = { name: "okta", scopes: ["scim"] };
    // The office and call-center names group rules read, as the worker stores them.
    await refreshOfficeSeats({
      dialpad: h.service.dialpad.bulk,
      offices: h.service.officeSeats.offices,
      seats: h.service.lifecycle.seats,
      now: () => systemClock.now().getTime(),
    });
    const user = await answer(
      {
        method: "POST",
        path: "/scim/v2/Users",
        body: {
          userName: "scim.group@example.com",
          name: { givenName: "G", familyName: "M" },
          active: false,
        },
        client: idp,
      },
      201,
    );
    const memberId = (user.body as { id: string }).id;
    const created = await answer(
      {
        method: "POST",
        path: "/scim/v2/Groups",
        body: { displayName: "Contract team", members: [] },
        client: idp,
      },
      201,
    );
    const id = (created.body as { id: string }).id;
    await answer(
      { method: "POST", path: "/scim/v2/Groups", body: { displayName: "CONTRACT TEAM" }, client: idp },
      409,
    );
    await answer({ method: "POST", path: "/scim/v2/Groups", body: { members: [] }, client: idp }, 400);
    await answer({ method: "GET", path: `/scim/v2/Groups/${id}`, client: idp }, 200);
    const found = await answer(
      {
        method: "GET",
        path: `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "contract team"')}&excludedAttributes=members`,
        client: idp,
      },
      200,
    );
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect(found.body.Resources[0].members).toBeUndefined();
    await answer(
      {
        method: "PATCH",
        path: `/scim/v2/Groups/${id}`,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "add", path: "members", value: [{ value: memberId }] }],
        },
        client: idp,
      },
      200,
    );
    await answer(
      {
        method: "PUT",
        path: `/scim/v2/Groups/${id}`,
        body: { displayName: "Contract team", members: [] },
        client: idp,
      },
      200,
    );
    await answer({ method: "DELETE", path: `/scim/v2/Groups/${id}`, client: idp }, 204);
    await answer({ method: "GET", path: `/scim/v2/Groups/${id}`, client: idp }, 404);
  });

  it("covered a success answer of every route in the table", () => {
    for (const route of ROUTES) {
      const successes = Object.keys(route.responses).map((status) => `${route.name} ${status}`);
      expect(
        successes.some((key) => validated.has(key)),
        `no success answer of ${route.name} was validated`,
      ).toBe(true);
    }
  });

  /** A person suspended by `client`'s offboard, pending deletion. */
  async function suspended(email: string, client: string) {
    const at = new Date().toISOString();
    await h.service.people.apply(email, {
      set: { state: "suspended", user_id: "901", suspended_at: at, delete_after: at, updated_at: at },
      history: { at, action: "offboarded", source: "worker", client },
      historyId: `contract-${email}`,
    });
  }
});
