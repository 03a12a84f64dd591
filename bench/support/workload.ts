/**
 * The onboardings the benchmarks submit: office HQ, licence talk, and a mix of number, extension,
 * office-admin and call centers so each job makes 4 or 5 Dialpad calls (look-up, create, then some
 * of profile, number, one or two operator memberships), as a typical ticket would; the seat check
 * takes from the office's shared reading, read from Dialpad once per 30 s.
 * Numbers come from the sandbox's reserved blocks (415 first, then 212 and 646), each asked by
 * area code so no job asks for a block that is already used up.
 */
import type { OnboardRequest } from "../../shared/lifecycle/model";
import type { SandboxFacts } from "./sandbox-process";

const SHAPES = 4;
/** Shapes 0..2 take a number. */
const NUMBER_SHAPES = 3;

export interface Workload {
  /** The `index`-th onboarding of a run, its email prefixed with `prefix`. */
  onboard(prefix: string, index: number): OnboardRequest;
  /** Dialpad calls the `index`-th onboarding makes when nothing fails (office list and seat readings shared). */
  expectedCalls(index: number): number;
  callCenters: { support: string; sales: string };
}

export function workloadFor(facts: SandboxFacts): Workload {
  const { support, sales } = facts.callCenters;
  if (!support || !sales) throw new Error("the sandbox has no Support/Sales call centers");
  // One entry per reserved number, in block order: the k-th number-taking job asks for areaCodes[k].
  const areaCodes = facts.reservedNumbers.flatMap(({ areaCode, count }) =>
    Array.from({ length: count }, () => areaCode),
  );
  const areaCodeOf = (index: number) => {
    const ordinal = Math.floor(index / SHAPES) * NUMBER_SHAPES + (index % SHAPES);
    return areaCodes[ordinal % Math.max(1, areaCodes.length)] ?? "415";
  };

  return {
    callCenters: { support, sales },
    onboard(prefix, index) {
      const n = String(index).padStart(4, "0");
      const base: OnboardRequest = {
        email: `${prefix}-${n}@example.com`,
        first_name: "Bench",
        last_name: `User ${n}`,
        office_name: "HQ",
        license: "talk",
        admin_type: "none",
        call_center_ids: [],
      };
      const extension = String(2000 + index);
      switch (index % SHAPES) {
        case 0: // look-up, create, profile (extension), number, one call center
          return { ...base, area_code: areaCodeOf(index), extension, call_center_ids: [support] };
        case 1: // look-up, create, number, two call centers
          return { ...base, area_code: areaCodeOf(index), call_center_ids: [support, sales] };
        case 2: // look-up, create, profile (extension), number
          return { ...base, area_code: areaCodeOf(index), extension };
        default: // look-up, create, profile (office admin), one call center
          return { ...base, admin_type: "office", call_center_ids: [sales] };
      }
    },
    expectedCalls: (index) => [5, 5, 4, 4][index % SHAPES] ?? 5,
  };
}
