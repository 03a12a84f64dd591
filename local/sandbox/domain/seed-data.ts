/**
 * The deterministic company every sandbox starts with: offices `HQ` and `Remote` plus eleven more
 * (so office listings span pages), call centers `Support` and `Sales` in HQ, one in Remote and one
 * in London, departments in HQ and London, a reserved number block in area codes 415, 212 and 646
 * (US) and 207 (London), and optionally N pre-existing users. London has few seats and Berlin
 * exactly two talk seats, so moves between countries and full offices can be tested.
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
/** UK drama numbers (Ofcom's range for fiction): +44 20 7946 0xxx. */
const LONDON_BLOCK = { areaCode: "207", prefix: "+44207946", first: 1000, count: 20 } as const;

/** Offices whose seats are not `seatsPerOffice`: few in London, exactly two talk seats in Berlin. */
export const SEEDED_SEATS = {
  London: { talk_lines: 5, sell_lines: 2, contact_center_lines: 2 },
  Berlin: { talk_lines: 2, sell_lines: 0, contact_center_lines: 0 },
} as const;

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
  const london = state.officeByName("London")!;
  state.addCallCenter({ name: "London Support", officeId: london.id });
  state.addDepartment({ name: "Reception", officeId: hq.id });
  state.addDepartment({ name: "London Reception", officeId: london.id });
  state.addReservedNumbers(
    LONDON_BLOCK.areaCode,
    Array.from({ length: LONDON_BLOCK.count }, (_, i) => `${LONDON_BLOCK.prefix}${LONDON_BLOCK.first + i}`),
  );
  for (const [name, seats] of Object.entries(SEEDED_SEATS)) {
    state.setAvailableSeats(state.officeByName(name)!.id, seats);
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
