/**
 * What the client puts on the wire and reads back: headers, JSON bodies (a DELETE with a body),
 * id handling, pagination, metrics labels.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DialpadError } from "../../shared/dialpad/errors";
import { collect, rejectionOf, TEST_KEY, testClient } from "./client-fixtures";
import { json, type ScriptedServer, sequence, startScriptedServer } from "./scripted-server";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(() => server.stop());

const user = (id: string, extra: Record<string, unknown> = {}) => ({ id, state: "active", ...extra });

describe("DialpadClient requests", () => {
  it("sends the bearer key, Accept and a JSON body, and no body on GET", async () => {
    server.setHandler(() => json(user("1")));
    const { client } = testClient(server.baseUrl);
    await client.createUser({ email: "ada@example.com", office_id: "5", license: "talk" });
    await client.getUser("1");

    const [create, get] = server.requests;
    expect(create?.method).toBe("POST");
    expect(create?.path).toBe("/api/v2/users");
    expect(create?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(create?.headers.accept).toBe("application/json");
    expect(create?.headers["content-type"]).toBe("application/json");
    expect(create?.body).toEqual({ email: "ada@example.com", office_id: "5", license: "talk" });
    expect(get?.method).toBe("GET");
    expect(get?.path).toBe("/api/v2/users/1");
    expect(get?.rawBody).toBe("");
    expect(get?.headers["content-type"]).toBeUndefined();
  });

  it("removeOperator sends DELETE with the JSON body {user_id}, and Node's fetch delivers it", async () => {
    server.setHandler(() => json({ id: "77", state: "active" }));
    const { client } = testClient(server.baseUrl);
    const removed = await client.removeOperator("9001", "77");

    expect(removed.id).toBe("77");
    const [request] = server.requests;
    expect(request?.method).toBe("DELETE");
    expect(request?.path).toBe("/api/v2/callcenters/9001/operators");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toEqual({ user_id: "77" });
  });

  it("keeps int64 ids as strings, beyond 2^53 included, and accepts numeric ids", async () => {
    server.setHandler(() => ({
      status: 200,
      text: '{"id": "9007199254740993", "office_id": 42, "admin_office_ids": ["5137304475768569"]}',
    }));
    const { client } = testClient(server.baseUrl);
    const fetched = await client.getUser("9007199254740993");
    expect(fetched.id).toBe("9007199254740993");
    expect(fetched.office_id).toBe("42");
    expect(fetched.admin_office_ids).toEqual(["5137304475768569"]);
    expect(server.requests[0]?.path).toBe("/api/v2/users/9007199254740993");
  });

  it("refuses a non-numeric id (an email where an id belongs) before sending anything", async () => {
    const { client, limiter } = testClient(server.baseUrl);
    const error = await rejectionOf(client.getUser("ada@example.com"));
    expect(error).toBeInstanceOf(DialpadError);
    expect(error).toMatchObject({ kind: "rejected", retryable: false });
    expect((error as Error).message).not.toContain("ada@example.com");
    expect(server.requests).toHaveLength(0);
    expect(limiter.acquired).toBe(0);
  });

  it("walks every page until the cursor is absent, the last page having no items key", async () => {
    server.setHandler((request) => {
      const cursor = request.query.get("cursor");
      if (cursor === null) return json({ items: [user("1"), user("2")], cursor: "c2" });
      if (cursor === "c2") return json({ items: [user("3")], cursor: "c3" });
      return json({});
    });
    const { client } = testClient(server.baseUrl);
    const users = await collect(client.listUsers({ state: "active" }));

    expect(users.map((u) => u.id)).toEqual(["1", "2", "3"]);
    expect(server.requests.map((r) => r.query.toString())).toEqual([
      "state=active",
      "state=active&cursor=c2",
      "state=active&cursor=c3",
    ]);
    expect(server.requests.every((r) => !r.query.has("limit"))).toBe(true);
  });

  it("stops on an empty-string or null cursor", async () => {
    server.setHandler(sequence(json({ items: [{ id: "1" }], cursor: "" })));
    const { client } = testClient(server.baseUrl);
    expect(await collect(client.listOffices())).toHaveLength(1);
    server.setHandler(sequence(json({ items: [{ id: "2" }], cursor: null })));
    expect(await collect(client.listCallCenters({ officeId: "5" }))).toHaveLength(1);
    expect(server.requests[1]?.query.get("office_id")).toBe("5");
  });

  it("fetches pages lazily: stopping early sends no further request", async () => {
    server.setHandler((_r, i) => json({ items: [user(String(i + 1))], cursor: `c${i + 1}` }));
    const { client } = testClient(server.baseUrl);
    for await (const u of client.listUsers()) {
      expect(u.id).toBe("1");
      break;
    }
    expect(server.requests).toHaveLength(1);
  });

  it("reports a server that repeats a cursor instead of looping forever", async () => {
    server.setHandler(() => json({ items: [user("1")], cursor: "same" }));
    const { client } = testClient(server.baseUrl);
    const error = await rejectionOf(collect(client.listUsers()));
    expect(error).toMatchObject({ kind: "transient", route: "/users" });
    expect(server.requests).toHaveLength(2);
  });

  it("findUsersByEmail filters by email and state and gathers all pages", async () => {
    server.setHandler(
      sequence(json({ items: [user("1", { emails: ["A+B@x.io"] })], cursor: "n" }), json({ cursor: "" })),
    );
    const { client } = testClient(server.baseUrl);
    const found = await client.findUsersByEmail("a+b@x.io", "active");
    expect(found.map((u) => u.id)).toEqual(["1"]);
    expect(server.requests[0]?.query.get("email")).toBe("a+b@x.io");
    expect(server.requests[0]?.query.get("state")).toBe("active");
    expect(server.requests[1]?.query.get("cursor")).toBe("n");
  });

  it("look-ups never leave the state to Dialpad's default, and filter again in code", async () => {
    const mixed = json({
      items: [
        user("1", { emails: ["a@x.io"] }),
        user("2", { emails: ["a@x.io"], state: "suspended" }),
        user("3", { state: "deleted" }),
        user("4", { emails: ["someone.else@x.io"] }),
        { id: "5", emails: ["a@x.io"] },
      ],
    });
    server.setHandler(() => mixed);
    const { client } = testClient(server.baseUrl);
    // No state = every user that is not deleted: asked as `all`, deleted ones and other emails dropped.
    expect((await client.findUsersByEmail("a@x.io")).map((u) => u.id)).toEqual(["1", "2", "5"]);
    expect(server.requests.at(-1)?.query.get("state")).toBe("all");
    expect((await client.findUsersByEmail("a@x.io", "suspended")).map((u) => u.id)).toEqual(["2", "5"]);
    expect((await collect(client.listUsers())).map((u) => u.id)).toEqual(["1", "2", "4", "5"]);
    expect(server.requests.at(-1)?.query.get("state")).toBe("all");
    expect((await collect(client.listUsers({ state: "all" }))).map((u) => u.id)).toHaveLength(5);
    const page = await client.listUsersPage(undefined, { state: "active" });
    expect(page).toEqual({
      users: [
        expect.objectContaining({ id: "1" }),
        expect.objectContaining({ id: "4" }),
        expect.objectContaining({ id: "5" }),
      ],
    });
    expect(server.requests.at(-1)?.query.get("state")).toBe("active");
  });

  it("keeps an id Dialpad sends as a bare JSON number above 2^53", async () => {
    server.setHandler(() => ({
      status: 200,
      text: '{"id": 5137304475768569001, "office_id": 5137304475768569002, "admin_office_ids": [5137304475768569003]}',
    }));
    const { client } = testClient(server.baseUrl);
    expect(await client.getUser("1")).toMatchObject({
      id: "5137304475768569001",
      office_id: "5137304475768569002",
      admin_office_ids: ["5137304475768569003"],
    });
  });

  it("listUsersPage hands back the next cursor, and none on the last page", async () => {
    server.setHandler(sequence(json({ items: [user("1")], cursor: "next" }), json({ cursor: "" })));
    const { client } = testClient(server.baseUrl);
    expect(await client.listUsersPage(undefined)).toMatchObject({ users: [{ id: "1" }], cursor: "next" });
    expect(await client.listUsersPage("next")).toEqual({ users: [] });
    expect(server.requests[1]?.query.get("cursor")).toBe("next");
  });

  it("puts an E.164 number in the path, encoded, and refuses anything else before sending", async () => {
    server.setHandler(() => json({ number: "+14155550100", status: "department", target_id: "9" }));
    const { client } = testClient(server.baseUrl);
    await client.assignNumberToTarget("+14155550100", { target_id: "9", target_type: "department" });
    expect(server.requests[0]?.path).toBe("/api/v2/numbers/%2B14155550100/assign");
    await client.unassignNumberFromHolder("+14155550100", { release: true });
    expect(server.requests[1]?.query.get("release")).toBe("true");
    const error = await rejectionOf(client.unassignNumberFromHolder("4155550100/../users"));
    expect(error).toMatchObject({ kind: "rejected", retryable: false });
    expect(server.requests).toHaveLength(2);
  });

  it("reads int64 counts of available licences given as strings", async () => {
    server.setHandler(() => json({ talk_lines: "4", sell_lines: "0", contact_center_lines: 2 }));
    const { client } = testClient(server.baseUrl);
    const seats = await client.getAvailableLicenses("5");
    expect(seats).toMatchObject({ talk_lines: 4, sell_lines: 0, contact_center_lines: 2 });
    expect(server.requests[0]?.path).toBe("/api/v2/offices/5/available_licenses");
  });

  it("creates a webhook and subscribes it to the change log", async () => {
    server.setHandler(sequence(json({ id: "1000", hook_url: "https://h.example/x" }), json({ id: "1001" })));
    const { client } = testClient(server.baseUrl);
    const hook = await client.createWebhook("https://h.example/x", "s3cret");
    await client.subscribeToChangelog(hook.id);
    expect(server.requests[0]?.body).toEqual({ hook_url: "https://h.example/x", secret: "s3cret" });
    expect(server.requests[1]?.path).toBe("/api/v2/subscriptions/changelog");
    expect(server.requests[1]?.body).toEqual({ endpoint_id: "1000", enabled: true });
  });

  it("tells the metrics hook each attempt with the route template, never ids or the key", async () => {
    server.setHandler(sequence(json({}, 503), json(user("123"))));
    const { client, metrics } = testClient(server.baseUrl);
    await client.getUser("123");
    expect(metrics.samples.map(({ latencyMs, ...rest }) => rest)).toEqual([
      { method: "GET", route: "/users/{id}", status: 503, attempt: 1 },
      { method: "GET", route: "/users/{id}", status: 200, attempt: 2 },
    ]);
    expect(metrics.samples.every((s) => s.latencyMs >= 0)).toBe(true);
    expect(JSON.stringify(metrics.samples)).not.toMatch(/123|test-key/);
  });

  it("a metrics hook that throws does not fail the call", async () => {
    server.setHandler(() => json(user("1")));
    const { client } = testClient(server.baseUrl, {
      metrics: {
        onResponse: () => {
          throw new Error("metrics down");
        },
      },
    });
    await expect(client.getUser("1")).resolves.toMatchObject({ id: "1" });
  });
});
