/**
 * The route table's own rules: what the dispatcher, the stack, local mode and the OpenAPI generator
 * all rely on.
 */
import { describe, expect, it } from "vitest";
import type * as z from "zod";
import { matchRoute, ROUTES, routeKey } from "../../functions/api/routes";

const templateParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

describe("ROUTES", () => {
  it("declares each method and path once", () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const names = ROUTES.map((route) => route.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    "%s: a handler exactly when the API function serves it, a schema for each path parameter",
    (_key, route) => {
      expect(route.handle !== undefined).toBe(route.fn === "api");
      const declared = route.request.params
        ? Object.keys((route.request.params as z.ZodObject).shape).sort()
        : [];
      expect(declared).toEqual(templateParameters(route.path).sort());
      expect(route.scope !== undefined || (route.open ?? "").length > 0).toBe(true);
    },
  );
});

describe("matchRoute", () => {
  it("answers the route and its raw path parameters", () => {
    const matched = matchRoute("post", "/v1/users/a%40example.com/approve-deletion");
    expect(matched?.route.name).toBe("approveDeletion");
    expect(matched?.pathParameters).toEqual({ email: "a%40example.com" });
  });

  it("prefers a literal segment over a parameter, as API Gateway does", () => {
    const getJob = ROUTES.find((route) => route.name === "getJob");
    if (!getJob) throw new Error("no getJob route");
    const routes = [...ROUTES, { ...getJob, name: "literal", path: "/v1/jobs/export" }];
    expect(matchRoute("GET", "/v1/jobs/export", routes)?.route.name).toBe("literal");
    expect(matchRoute("GET", "/v1/jobs/j-1", routes)?.route.name).toBe("getJob");
  });

  it("matches neither another method, a longer path nor an empty parameter", () => {
    expect(matchRoute("DELETE", "/v1/jobs/j-1")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs/j-1/steps")).toBeUndefined();
    expect(matchRoute("POST", "/v1/users//approve-deletion")).toBeUndefined();
  });
});
