/**
 * The Groups service over the memory service: what membership changes start (through the HTTP API's
 * intake), what they never start, replays, and refusals that write nothing. The Users service's side
 * (placing a member in an office) is a stand-in here submitting the move; the routes' tests run the
 * real one.
 */
import { describe, expect, it } from "vitest";
import { refreshOfficeSeats } from "../../../shared/lifecycle/office-seats";
import { submitJob } from "../../../shared/lifecycle/submit-job";
import { storedGroupDirectory } from "../../../shared/scim/group-directory";
import {
  createGroup,
  deleteGroup,
  type GroupCaller,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
  type ScimGroupsDeps,
} from "../../../shared/scim/scim-groups";
import { sequentialIds } from "../support/clock-and-ids";
import { InMemoryOfficeListStore } from "../support/memory-office-list-store";
import { InMemoryScimGroupStore } from "../support/memory-scim-group-store";
import { memoryService } from "../support/memory-service";

const OKTA: GroupCaller = { client: "okta", scopes: ["scim"] };
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ops = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

async function world(options: { readDirectory?: boolean } = {}) {
  const service = memoryService();
  const paris = service.dialpad.addOffice("Paris", { talk_lines: 1 });
  const sales = service.dialpad.addCallCenter("Sales", service.hq.id);
  service.dialpad.addCallCenter("Billing", service.hq.id);
  service.dialpad.addCallCenter("billing", paris.id);
  const offices = new InMemoryOfficeListStore();
  const refreshes: unknown[] = [];
  if (options.readDirectory !== false)
    await refreshOfficeSeats({
      dialpad: service.dialpad,
      offices,
      seats: service.lifecycle.seats,
      now: () => service.clock.now().getTime(),
    });
  const scimIds = new Map<string, string>();
  const placements: { id: string; office: string }[] = [];
  const deps: ScimGroupsDeps = {
    groups: new InMemoryScimGroupStore(),
    members: {
      emailOf: async (id) => scimIds.get(id),
      placeInOffice: async (id, office, caller) => {
        placements.push({ id, office });
        await submitJob(
          { kind: "update", request: { email: scimIds.get(id) ?? "", office_name: office } },
          { ...caller, idempotencyKey: `stand-in#${id}#${office}` },
          service.submit,
        );
      },
    },
    directory: () =>
      storedGroupDirectory({
        offices,
        refreshes: { enqueue: async (message) => void refreshes.push(message) },
        now: () => service.clock.now().getTime(),
      }),
    people: service.people,
    submit: service.submit,
    clock: service.clock,
    settings: {},
    newScimId: sequentialIds("group"),
  };
  /** An active Dialpad user known to SCIM as `id`. */
  async function person(id: string, email: string) {
    await service.onboard({ email });
    await service.work();
    scimIds.set(id, email);
  }
  const jobs = (kind: string) =>
    service.jobs.all().filter((job) => job.kind === kind && job.client === "okta");
  return { service, deps, paris, sales, person, placements, refreshes, jobs, offices };
}

describe("SCIM groups: changes at once", () => {
  it("two changes of one group in flight both land: the one refused re-reads and applies itself on top", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    await w.person("u2", "bob@example.com");
    const g = await createGroup({ displayName: "Team", members: [] }, OKTA, w.deps);
    const answers = await Promise.all([
      patchGroup(g.id, ops({ op: "add", path: "members", value: [{ value: "u1" }] }), OKTA, w.deps),
      patchGroup(g.id, ops({ op: "add", path: "members", value: [{ value: "u2" }] }), OKTA, w.deps),
      patchGroup(g.id, ops({ op: "replace", path: "displayName", value: "Team 2" }), OKTA, w.deps),
    ]);
    expect(answers.map((answer) => answer.version).sort()).toEqual([2, 3, 4]);
    const stored = await getGroup(g.id, w.deps);
    expect(stored).toMatchObject({ display_name: "Team 2", version: 4 });
    expect([...stored.members].sort()).toEqual(["u1", "u2"]);
  });

  it("answers 409 when the group keeps changing under every attempt", async () => {
    const w = await world();
    const g = await createGroup({ displayName: "Team", members: [] }, OKTA, w.deps);
    const store = w.deps.groups;
    let refusals = 0;
    const busy: ScimGroupsDeps = {
      ...w.deps,
      groups: Object.assign(Object.create(store) as typeof store, {
        saveGroup: async (...args: Parameters<typeof store.saveGroup>) => {
          refusals += 1;
          // Someone else's change lands first, every time.
          const current = await getGroup(g.id, w.deps);
          await store.saveGroup({ ...current, version: current.version + 1 }, current.version);
          return store.saveGroup(...args);
        },
      }),
    };
    await expect(
      patchGroup(g.id, ops({ op: "replace", path: "displayName", value: "Other" }), OKTA, busy),
    ).rejects.toMatchObject({ status: 409 });
    expect(refusals).toBe(3);
    expect((await getGroup(g.id, w.deps)).display_name).toBe("Team");
  });
});

describe("SCIM groups: effects", () => {
  it("creates Okta's empty group without touching anyone, then places who joins an office group", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    const created = await createGroup({ displayName: "paris", members: [] }, OKTA, w.deps);
    expect(w.jobs("update")).toEqual([]);
    // Okta renames before each membership change, then adds.
    await patchGroup(
      created.id,
      ops({ op: "replace", value: { id: created.id, displayName: "Paris" } }),
      OKTA,
      w.deps,
    );
    expect(w.placements).toEqual([]);
    await patchGroup(created.id, ops({ op: "add", path: "members", value: [{ value: "u1" }] }), OKTA, w.deps);
    expect(w.placements).toEqual([{ id: "u1", office: "Paris" }]);
    await w.service.work();
    const user = [...w.service.dialpad.users.values()].find((u) => u.emails.includes("ada@example.com"));
    expect(user?.office_id).toBe(w.paris.id);
  });

  it("starts nothing on a replayed PATCH, nor on leaving, emptying, renaming or deleting an office group", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    await w.person("u2", "bob@example.com");
    const g = await createGroup({ displayName: "Paris", members: [{ value: "u1" }] }, OKTA, w.deps);
    const add = ops({ op: "add", path: "members", value: [{ value: "u2" }] });
    await patchGroup(g.id, add, OKTA, w.deps);
    const before = w.service.jobs.all().length;
    await patchGroup(g.id, add, OKTA, w.deps);
    await patchGroup(g.id, ops({ op: "remove", path: 'members[value eq "u1"]' }), OKTA, w.deps);
    await patchGroup(g.id, ops({ op: "replace", path: "displayName", value: "HQ" }), OKTA, w.deps);
    await replaceGroup(g.id, { displayName: "HQ", members: [] }, OKTA, w.deps);
    await deleteGroup(g.id, w.deps);
    expect(w.service.jobs.all().length).toBe(before);
    expect(w.jobs("offboard")).toEqual([]);
  });

  it("makes who joins a call-center group its operator, and removes who leaves", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    const g = await createGroup({ displayName: "SALES", members: [{ value: "u1" }] }, OKTA, w.deps);
    expect(w.jobs("update").map((job) => (job as { request: unknown }).request)).toEqual([
      expect.objectContaining({ email: "ada@example.com", call_center_ids: [w.sales.id] }),
    ]);
    await w.service.work();
    const userId = (await w.service.people.get("ada@example.com"))?.user_id ?? "";
    expect(w.service.dialpad.callCenters.get(w.sales.id)?.operators.has(userId)).toBe(true);
    await patchGroup(g.id, ops({ op: "Remove", path: "members", value: [{ value: "u1" }] }), OKTA, w.deps);
    await w.service.work();
    expect(w.service.dialpad.callCenters.get(w.sales.id)?.operators.has(userId)).toBe(false);
  });

  it("keeps the call centers of a person's other call-center groups when they leave one", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    await createGroup({ displayName: "Support", members: [{ value: "u1" }] }, OKTA, w.deps);
    const sales = await createGroup({ displayName: "Sales", members: [{ value: "u1" }] }, OKTA, w.deps);
    await patchGroup(sales.id, ops({ op: "remove", path: "members" }), OKTA, w.deps);
    const last = w.jobs("update").at(-1) as unknown as { request: { call_center_ids: string[] } };
    expect(last.request.call_center_ids).toEqual([w.service.support.id]);
  });

  it("has no effect for a name two call centers share, and says so in the history", async () => {
    const w = await world();
    await w.person("u1", "ada@example.com");
    await createGroup({ displayName: "Billing", members: [{ value: "u1" }] }, OKTA, w.deps);
    expect(w.jobs("update")).toEqual([]);
    const history = (await w.service.people.getWithHistory("ada@example.com"))?.history ?? [];
    expect(history.at(-1)).toMatchObject({ action: "scim_group_ignored", client: "okta" });
  });

  it("treats a name that is an office's and a call center's as an office group", async () => {
    const w = await world();
    w.service.dialpad.addCallCenter("Paris", w.paris.id);
    await refreshOfficeSeats({
      dialpad: w.service.dialpad,
      offices: w.offices,
      seats: w.service.lifecycle.seats,
      now: () => w.service.clock.now().getTime() + 1,
    });
    await w.person("u1", "ada@example.com");
    await createGroup({ displayName: "Paris", members: [{ value: "u1" }] }, OKTA, w.deps);
    expect(w.placements).toEqual([{ id: "u1", office: "Paris" }]);
    expect(w.jobs("update")).toHaveLength(1);
  });

  it("answers 503 to a membership change before the names were ever read, and asks for them", async () => {
    const w = await world({ readDirectory: false });
    await w.person("u1", "ada@example.com");
    await expect(
      createGroup({ displayName: "Paris", members: [{ value: "u1" }] }, OKTA, w.deps),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(w.refreshes).toEqual([{ type: "office_refresh" }]);
    expect((await listGroups({ conditions: [], startIndex: 1, count: 10 }, w.deps)).total).toBe(0);
    // An empty push needs no names.
    await createGroup({ displayName: "Paris", members: [] }, OKTA, w.deps);
  });
});

describe("SCIM groups: reads and refusals", () => {
  it("finds a group by displayName in any case, by externalId and id; lists by id", async () => {
    const w = await world();
    const a = await createGroup({ displayName: "Engineering", externalId: "e-1" }, OKTA, w.deps);
    const b = await createGroup({ displayName: "Design" }, OKTA, w.deps);
    const find = (attribute: "displayName" | "externalId" | "id", value: string) =>
      listGroups(
        {
          conditions: [{ attribute, value, caseExact: attribute !== "displayName" }],
          startIndex: 1,
          count: 100,
        },
        w.deps,
      );
    expect((await find("displayName", "ENGINEERING")).groups.map((g) => g.id)).toEqual([a.id]);
    expect((await find("externalId", "e-1")).groups.map((g) => g.id)).toEqual([a.id]);
    expect((await find("externalId", "E-1")).total).toBe(0);
    expect((await find("id", b.id)).groups.map((g) => g.id)).toEqual([b.id]);
    expect((await find("displayName", "random-guid")).total).toBe(0);
    const page = await listGroups({ conditions: [], startIndex: 2, count: 1 }, w.deps);
    expect(page).toMatchObject({ total: 2, groups: [{ id: b.id }] });
  });

  it("refuses a taken displayName (409), an unknown member (400) and a missing group (404), writing nothing", async () => {
    const w = await world();
    const g = await createGroup({ displayName: "Eng" }, OKTA, w.deps);
    await expect(createGroup({ displayName: "ENG" }, OKTA, w.deps)).rejects.toMatchObject({
      status: 409,
      scimType: "uniqueness",
    });
    await expect(
      patchGroup(g.id, ops({ op: "add", path: "members", value: [{ value: "nobody" }] }), OKTA, w.deps),
    ).rejects.toMatchObject({ status: 400, scimType: "invalidValue" });
    expect((await getGroup(g.id, w.deps)).members).toEqual([]);
    await expect(getGroup("missing", w.deps)).rejects.toMatchObject({ status: 404 });
    await expect(createGroup({ members: [] }, OKTA, w.deps)).rejects.toMatchObject({ status: 400 });
    await deleteGroup(g.id, w.deps);
    await expect(getGroup(g.id, w.deps)).rejects.toMatchObject({ status: 404 });
  });
});
