/**
 * The deterministic company every sandbox starts with: offices `HQ` and `Remote` plus eleven more
 * (so office listings span pages), call centers `Support` and `Sales` in HQ and one in Remote, a
 * reserved number block in area codes 415, 212 and 646, and optionally N pre-existing users.
 */
import type { DialpadStateOptions } from "./dialpad-state";
import { DialpadState } from "./dialpad-state";
import type { ChangeActor, License } from "./model";

const OFFICES = [
  { name: "HQ", country: "us", timezone: "US/Pacific", isPrimary: true },
  { name: "Remote", country: "us", timezone: "US/Eastern" },
  { name: "Austin", country: "us", timezone: "US/Central" },
  { name: "Berlin", country: "de", timezone: "Europe/Berlin" },
  { name: "Dublin", country: "ie", timezone: "Europe/Dublin" },
  { name: "London", country: "gb", timezone: "Europe/London" },
  { name: "Madrid", country: "es", timezone: "Europe/Madrid" },
  { name: "Paris", country: "fr", timezone: "Europe/Paris" },
  { name: "Sydney", country: "au", timezone: "Australia/Sydney" },
  { name: "Tokyo", country: "jp", timezone: "Asia/Tokyo" },
  { name: "Toronto", country: "ca", timezone: "America/Toronto" },
  { name: "Vancouver", country: "ca", timezone: "America/Vancouver" },
  { name: "Zurich", country: "ch", timezone: "Europe/Zurich" },
] as const;

/** Reserved numbers per area code: 250 in all. */
const RESERVED_BLOCKS = [
  { areaCode: "415", exchange: "555", count: 100 },
  { areaCode: "212", exchange: "555", count: 80 },
  { areaCode: "646", exchange: "555", count: 70 },
] as const;

/** The actor of seeding: seeded users exist before anyone subscribes, so no event goes out. */
export const SEED_ACTOR: ChangeActor = { name: "Sandbox seed", id: "0", type: "system" };

export function seededDialpadState(options: DialpadStateOptions & { seedUsers?: number }): DialpadState {
  const state = new DialpadState(options);
  for (const office of OFFICES) state.addOffice(office);
  const hq = state.officeByName("HQ")!;
  const remote = state.officeByName("Remote")!;
  state.addCallCenter({ name: "Support", officeId: hq.id });
  state.addCallCenter({ name: "Sales", officeId: hq.id });
  state.addCallCenter({ name: "Remote Support", officeId: remote.id });
  for (const block of RESERVED_BLOCKS) {
    const numbers = Array.from(
      { length: block.count },
      (_, i) => `+1${block.areaCode}${block.exchange}${String(1000 + i).padStart(4, "0")}`,
    );
    state.addReservedNumbers(block.areaCode, numbers);
  }
  addSeedUsers(state, options.seedUsers ?? 0);
  return state;
}

/** Adds `count` active users (`seed-user-0001@example.com`, ...) to an office, HQ by default. */
export function addSeedUsers(
  state: DialpadState,
  count: number,
  options: { officeId?: string; license?: License } = {},
): string[] {
  const officeId = options.officeId ?? state.officeByName("HQ")!.id;
  const start = state.users({ state: "all" }).length;
  return Array.from({ length: count }, (_, i) => {
    const n = String(start + i + 1).padStart(4, "0");
    return state.createUser(
      {
        email: `seed-user-${n}@example.com`,
        officeId,
        firstName: "Seed",
        lastName: `User ${n}`,
        license: options.license ?? "talk",
      },
      SEED_ACTOR,
    ).id;
  });
}
