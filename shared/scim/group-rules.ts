/**
 * What a change of a SCIM group means for its members, decided without any I/O: the group's role
 * from its displayName (an office's name → an office group; a call center's → a call-center group;
 * an office's and a call center's → an office group; a name two call centers share → no effect,
 * recorded), then who joined and who left. An office group places the people who joined in its
 * office; leaving it, emptying it, deleting it or renaming any group moves nobody. A call-center group
 * makes the people who joined its operators and removes the people who left.
 */
import type { ScimGroup } from "./scim-group-store";

export interface Named {
  id: string;
  name: string;
}

/** The offices and call centers as last read from Dialpad (stored: the API never calls Dialpad). */
export interface GroupDirectory {
  offices: readonly Named[];
  callCenters: readonly Named[];
}

export type GroupRole =
  | { kind: "office"; office: Named }
  | { kind: "call_center"; callCenter: Named }
  | { kind: "shared_call_center_name"; callCenterIds: string[] }
  | { kind: "none" };

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function roleOf(displayName: string, directory: GroupDirectory): GroupRole {
  // An exact spelling first, so two offices differing only in case still resolve.
  const office =
    directory.offices.find((candidate) => candidate.name === displayName) ??
    directory.offices.find((candidate) => same(candidate.name, displayName));
  if (office) return { kind: "office", office };
  const callCenters = directory.callCenters.filter((candidate) => same(candidate.name, displayName));
  const [only] = callCenters;
  if (only && callCenters.length === 1) return { kind: "call_center", callCenter: only };
  if (callCenters.length > 1)
    return { kind: "shared_call_center_name", callCenterIds: callCenters.map((cc) => cc.id) };
  return { kind: "none" };
}

export interface GroupPlan {
  /** People (SCIM ids) who joined an office group: placed in its office. */
  officePlacements: { memberId: string; office: Named }[];
  /** People who joined or left a call-center group: their call-center set is made exact again. */
  callCenterMembers: string[];
  /** People who joined or left a group whose name two call centers share: a history note only. */
  sharedNameNotes: { memberId: string; callCenterIds: string[] }[];
}

const NOTHING: GroupPlan = { officePlacements: [], callCenterMembers: [], sharedNameNotes: [] };

/** The plan for a group going from `before` (absent: created) to `after` (absent: deleted). */
export function planGroupChange(
  before: Pick<ScimGroup, "display_name" | "members"> | undefined,
  after: Pick<ScimGroup, "display_name" | "members"> | undefined,
  directory: GroupDirectory,
): GroupPlan {
  if (!after) return NOTHING; // deleting a group changes nobody
  const previous = new Set(before?.members ?? []);
  const current = new Set(after.members);
  const joined = after.members.filter((id) => !previous.has(id));
  const left = [...previous].filter((id) => !current.has(id));
  const role = roleOf(after.display_name, directory);
  switch (role.kind) {
    case "office":
      return { ...NOTHING, officePlacements: joined.map((memberId) => ({ memberId, office: role.office })) };
    case "call_center":
      return { ...NOTHING, callCenterMembers: [...joined, ...left] };
    case "shared_call_center_name":
      return {
        ...NOTHING,
        sharedNameNotes: [...joined, ...left].map((memberId) => ({
          memberId,
          callCenterIds: role.callCenterIds,
        })),
      };
    case "none":
      return NOTHING;
  }
}

/**
 * The call centers a person's groups make them an operator of (the exact set an update job is
 * given), or undefined when no group of theirs is a call-center group and none was left either.
 */
export function callCentersOf(groups: readonly Pick<ScimGroup, "display_name">[], directory: GroupDirectory) {
  const ids = new Set<string>();
  for (const group of groups) {
    const role = roleOf(group.display_name, directory);
    if (role.kind === "call_center") ids.add(role.callCenter.id);
  }
  return [...ids].sort();
}
