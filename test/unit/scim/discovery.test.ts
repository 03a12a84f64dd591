/** The discovery resources IdPs read (Entra's schema discovery test, Okta's app set-up). */
import { describe, expect, it } from "vitest";
import {
  resourceType,
  resourceTypes,
  schema,
  schemas,
  serviceProviderConfig,
} from "../../../shared/scim/discovery";

const BASE = "https://api.example.com/prod/scim/v2";

describe("discovery", () => {
  it("ServiceProviderConfig: patch and filter (max 100) yes; bulk, sort, etag, changePassword no", () => {
    expect(serviceProviderConfig(BASE)).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      filter: { supported: true, maxResults: 100 },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: "oauthbearertoken" })],
      meta: { location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it("ResourceTypes: User with the enterprise extension and ours, Group", () => {
    const list = resourceTypes(BASE);
    expect(list).toMatchObject({ totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(list.Resources).toEqual([
      expect.objectContaining({
        id: "User",
        endpoint: "/Users",
        schema: "urn:ietf:params:scim:schemas:core:2.0:User",
        schemaExtensions: [
          { schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false },
          { schema: "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User", required: false },
        ],
        meta: { resourceType: "ResourceType", location: `${BASE}/ResourceTypes/User` },
      }),
      expect.objectContaining({
        id: "Group",
        endpoint: "/Groups",
        schema: "urn:ietf:params:scim:schemas:core:2.0:Group",
      }),
    ]);
    expect(resourceType("group", BASE)).toMatchObject({ id: "Group" });
    expect(resourceType("Printer", BASE)).toBeUndefined();
  });

  it("Schemas: core User and Group, the enterprise extension and ours", () => {
    const list = schemas(BASE);
    expect(list.Resources?.map((s) => s.id)).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:ietf:params:scim:schemas:extension:dialpad:2.0:User",
    ]);
    const ours = schema("urn:ietf:params:scim:schemas:extension:dialpad:2.0:User", BASE);
    expect(attributeNames(ours)).toEqual(["officeName", "license", "areaCode", "extension"]);
    expect(ours?.meta).toEqual({
      resourceType: "Schema",
      location: `${BASE}/Schemas/urn:ietf:params:scim:schemas:extension:dialpad:2.0:User`,
    });
    const user = schema("urn:ietf:params:scim:schemas:core:2.0:user", BASE);
    expect(attributeNames(user)).toEqual(
      expect.arrayContaining(["userName", "name", "active", "emails", "phoneNumbers"]),
    );
    const enterprise = schema("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", BASE);
    expect(attributeNames(enterprise)).toEqual(
      expect.arrayContaining(["manager", "department", "employeeNumber"]),
    );
    expect(schema("urn:example:nope", BASE)).toBeUndefined();
  });
});

function attributeNames(described: Record<string, unknown> | undefined): string[] {
  return ((described?.attributes ?? []) as { name: string }[]).map((a) => a.name);
}
