/**
 * Cursor pagination as Dialpad does it: a full page carries a cursor, a short page ends the
 * listing without one, a listing that ends on a page boundary answers a last page with no `items`
 * key; `limit` on /users is refused 20% of the time (configurable) and never silently accepted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, seededRandom, startSandbox } from "../../local/sandbox/index";
import { dialpadHttp, FAST, type Json } from "./support/sandbox-http";

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.stop());

async function allPages(api: ReturnType<typeof dialpadHttp>, path: string, startCursor?: string) {
  const pages: Json[] = [];
  let cursor: string | undefined = startCursor;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const answer = await api.get(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    expect(answer.status).toBe(200);
    pages.push(answer.body);
    cursor = answer.body.cursor;
  } while (cursor);
  return pages;
}

describe("GET /users pagination", () => {
  it("walks 250 users in pages of 100; the short last page has no cursor", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 250 });
    const pages = await allPages(dialpadHttp(sandbox), "/users");
    expect(pages.map((p) => p.items?.length)).toEqual([100, 100, 50]);
    expect(pages.at(-1)).not.toHaveProperty("cursor");
    const ids = pages.flatMap((p) => p.items.map((u: Json) => u.id));
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
  });

  it("ends a listing of exactly 300 users with an empty page: no items key, no cursor", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 300 });
    const pages = await allPages(dialpadHttp(sandbox), "/users");
    expect(pages.map((p) => p.items?.length)).toEqual([100, 100, 100, undefined]);
    expect(pages.at(-1)).toEqual({});
  });

  it("skips nobody when users are deleted between pages (keyset cursor)", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 30, usersPageSize: 10 });
    const api = dialpadHttp(sandbox);
    const first = await api.get("/users");
    for (const user of first.body.items.slice(0, 5)) await api.delete(`/users/${user.id}`);
    const rest = await allPages(api, "/users", first.body.cursor);
    expect(rest.flatMap((p) => p.items ?? [])).toHaveLength(20);
  });

  it("refuses a malformed cursor or one from another listing with 400", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 3, usersPageSize: 2 });
    const api = dialpadHttp(sandbox);
    expect((await api.get("/users?cursor=garbage")).status).toBe(400);
    const officeCursor = (await api.get("/offices")).body.cursor;
    expect((await api.get(`/users?cursor=${officeCursor}`)).status).toBe(400);
  });

  it("answers 400 to `limit` about 20% of the time by default", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 5, random: seededRandom(7) });
    const api = dialpadHttp(sandbox);
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await api.get("/users?limit=50")).status);
    const refused = statuses.filter((s) => s === 400).length;
    expect(refused).toBeGreaterThan(20);
    expect(refused).toBeLessThan(60);
    expect(statuses.every((s) => s === 200 || s === 400)).toBe(true);
  });

  it("makes the failure rate configurable, and caps an accepted limit at 100", async () => {
    sandbox = await startSandbox({ ...FAST, seedUsers: 120, limitParamFailureRate: 1 });
    const api = dialpadHttp(sandbox);
    const refused = await api.get("/users?limit=10");
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("limit");

    sandbox.configure({ limitParamFailureRate: 0 });
    expect((await api.get("/users?limit=10")).body.items).toHaveLength(10);
    expect((await api.get("/users?limit=500")).body.items).toHaveLength(100);
    expect((await api.get("/users")).body.items).toHaveLength(100);
  });
});

describe("GET /offices and /callcenters pagination", () => {
  it("lists the 13 seeded offices over two pages of 10, HQ and Remote first", async () => {
    sandbox = await startSandbox(FAST);
    const pages = await allPages(dialpadHttp(sandbox), "/offices");
    expect(pages.map((p) => p.items.length)).toEqual([10, 3]);
    expect(pages.at(-1)).not.toHaveProperty("cursor");
    const offices = pages.flatMap((p) => p.items);
    expect(offices.slice(0, 2).map((o: Json) => o.name)).toEqual(["HQ", "Remote"]);
    expect(offices[0]).toMatchObject({ id: offices[0].office_id, country: "us", state: "active" });
  });

  it("pages call centers too, and filters them by office", async () => {
    sandbox = await startSandbox({ ...FAST, callCentersPageSize: 2 });
    const api = dialpadHttp(sandbox);
    const pages = await allPages(api, "/callcenters");
    expect(pages.flatMap((p) => (p.items ?? []).map((c: Json) => c.name))).toEqual([
      "Support",
      "Sales",
      "Remote Support",
      "London Support",
    ]);
    const hqId = sandbox.state.office("HQ")!.id;
    const hq = await allPages(api, `/callcenters?office_id=${hqId}`);
    expect(hq.flatMap((p) => p.items ?? []).map((c: Json) => c.name)).toEqual(["Support", "Sales"]);
    expect((await api.get("/callcenters?office_id=abc")).status).toBe(400);
  });
});
