/**
 * The contract every ScimGroupStore adapter honours, run against the in-memory store (test/unit/stores)
 * and the DynamoDB adapter on DynamoDB Local (test/store).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { type ScimGroup, ScimGroupChanged, type ScimGroupStore } from "../../../shared/scim/scim-group-store";

const T0 = "2026-01-05T09:00:00.000Z";
let next = 0;
function group(overrides: Partial<ScimGroup> = {}): ScimGroup {
  next += 1;
  const tag = `${next}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    id: `g-${tag}`,
    display_name: `Group ${tag}`,
    members: [],
    version: 1,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function scimGroupStoreContract(name: string, makeStore: () => ScimGroupStore) {
  describe(`${name}: ScimGroupStore contract`, () => {
    let store: ScimGroupStore;
    beforeEach(() => {
      store = makeStore();
    });

    it("finds a group by id, by displayName in any case and by exact externalId", async () => {
      const saved = group({ display_name: "Paris Office", external_id: "Ext-1", members: ["u1"] });
      await store.saveGroup(saved, null);
      expect(await store.getGroup(saved.id)).toEqual(saved);
      expect(await store.findGroup({ displayName: "PARIS office" })).toEqual(saved);
      expect(await store.findGroup({ externalId: "Ext-1" })).toEqual(saved);
      expect(await store.findGroup({ externalId: "ext-1" })).toBeUndefined();
      expect(await store.getGroup("missing")).toBeUndefined();
    });

    it("writes only on the version read; a new group only once", async () => {
      const saved = group();
      await store.saveGroup(saved, null);
      await expect(store.saveGroup(saved, null)).rejects.toBeInstanceOf(ScimGroupChanged);
      await store.saveGroup({ ...saved, display_name: "Renamed", version: 2 }, 1);
      await expect(store.saveGroup({ ...saved, version: 2 }, 1)).rejects.toBeInstanceOf(ScimGroupChanged);
      expect((await store.getGroup(saved.id))?.display_name).toBe("Renamed");
      // The old name no longer finds it.
      expect(await store.findGroup({ displayName: saved.display_name })).toBeUndefined();
    });

    it("knows a person's groups as memberships change, and forgets a deleted group", async () => {
      const person = `p-${Math.random().toString(36).slice(2, 8)}`;
      const a = group({ members: [person] });
      const b = group({ members: ["other", person] });
      await store.saveGroup(a, null);
      await store.saveGroup(b, null);
      expect((await store.groupsOf(person)).map((g) => g.id).sort()).toEqual([a.id, b.id].sort());
      await store.saveGroup({ ...a, members: [], version: 2 }, 1);
      expect((await store.groupsOf(person)).map((g) => g.id)).toEqual([b.id]);
      await store.deleteGroup(b);
      expect(await store.groupsOf(person)).toEqual([]);
      expect(await store.getGroup(b.id)).toBeUndefined();
      expect(await store.findGroup({ displayName: b.display_name })).toBeUndefined();
      await store.deleteGroup(b); // already gone: no error
    });

    it("lists groups by id, paged from a 1-based index with the total", async () => {
      const before = await store.listGroups(1, 1000);
      const added = [group(), group(), group()];
      for (const g of added) await store.saveGroup(g, null);
      const all = await store.listGroups(1, 1000);
      expect(all.total).toBe(before.total + 3);
      const ids = all.groups.map((g) => g.id);
      expect(ids).toEqual([...ids].sort());
      const second = await store.listGroups(2, 2);
      expect(second.groups.map((g) => g.id)).toEqual(ids.slice(1, 3));
      await store.deleteGroup(added[0] as ScimGroup);
      expect((await store.listGroups(1, 1000)).total).toBe(before.total + 2);
    });
  });
}
