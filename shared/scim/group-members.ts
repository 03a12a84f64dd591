/**
 * The Users service as the Groups service sees its members: who a SCIM id is, and placing someone
 * in an office group's office (the user's `group_office_name`, which wins over `officeName`; the
 * Users service then moves an active user with an update job, seats checked, or onboards someone
 * awaiting an office).
 */
import type { GroupMembers } from "./scim-groups";
import { reviseUser, type ScimUsersDeps } from "./scim-users";

export function scimGroupMembers(users: ScimUsersDeps): GroupMembers {
  return {
    emailOf: async (id) => (await users.users.findScimUser({ id }))?.email,
    placeInOffice: async (id, officeName, caller) => {
      await reviseUser(
        id,
        (attributes) => Object.assign({}, attributes, { group_office_name: officeName }),
        caller,
        users,
        "scim_office_group",
      );
    },
  };
}
