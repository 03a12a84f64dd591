/**
 * Schema discovery as Entra's validator and Okta's app set-up read it, through the API's SCIM
 * routes: SCIM-shaped answers in application/scim+json, what we support, our extension's
 * attributes, and a 404 in SCIM's error shape for an unknown schema.
 */
import { describe, expect, it } from "vitest";
import { DIALPAD, ENTERPRISE, scimWorld } from "./scim-harness";

describe("schema discovery", () => {
  it("ServiceProviderConfig, ResourceTypes and Schemas", async () => {
    const w = scimWorld();
    const config = await w.get("/ServiceProviderConfig");
    expect(config.status).toBe(200);
    expect(config.headers["content-type"]).toBe("application/scim+json");
    expect(config.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 100 },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
    });

    const types = await w.get("/ResourceTypes");
    expect(types.status).toBe(200);
    expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(["User", "Group"]);
    expect((await w.get("/ResourceTypes/User")).body.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
      { schema: DIALPAD, required: false },
    ]);

    const schemas = await w.get("/Schemas");
    expect(schemas.status).toBe(200);
    expect(schemas.body.totalResults).toBe(4);
    const ours = await w.get(`/Schemas/${DIALPAD}`);
    expect(ours.body.attributes.map((a: { name: string }) => a.name)).toEqual([
      "officeName",
      "license",
      "areaCode",
      "extension",
    ]);
    const unknown = await w.get("/Schemas/urn:example:not:served");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });
  });
});
