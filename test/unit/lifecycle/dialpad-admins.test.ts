/**
 * Which Dialpad users count as privileged: every admin role Dialpad reports (company, office,
 * department, call center, office main line), read through the user schema the client parses with;
 * operators and supervisors are not admins.
 */
import { describe, expect, it } from "vitest";
import { dialpadUser } from "../../../shared/dialpad/schemas";
import { requireAuthorityOver } from "../../../shared/lifecycle/authority";
import { JobFailure } from "../../../shared/lifecycle/failures";
import { isDialpadAdmin } from "../../../shared/lifecycle/lifecycle-policy";

/** A user as Dialpad answers it (ids as JSON numbers), parsed as the Dialpad client does. */
const userFromDialpad = (fields: Record<string, unknown>) => dialpadUser.parse({ id: 42, ...fields });
const groupRole = (group_type: string, role: string) => ({
  group_details: [{ group_id: 7, group_type, role, do_not_disturb: false }],
});

describe("isDialpadAdmin", () => {
  it.each([
    ["a company admin", { is_super_admin: true }],
    ["an office admin (admin_office_ids)", { admin_office_ids: [9] }],
    ["a user with the admin flag", { is_admin: true }],
    ["a department admin", groupRole("department", "admin")],
    ["a call center admin", groupRole("callcenter", "admin")],
    ["an office main line admin", groupRole("office", "admin")],
  ])("%s is privileged", (_kind, fields) => {
    const user = userFromDialpad(fields);
    expect(isDialpadAdmin(user)).toBe(true);
    expect(() => requireAuthorityOver(user, { authority: { admin: false } }, "offboard")).toThrow(JobFailure);
    expect(() => requireAuthorityOver(user, { authority: { admin: true } }, "offboard")).not.toThrow();
  });

  it.each([
    ["a plain user", {}],
    ["a call center operator", groupRole("callcenter", "operator")],
    ["a call center supervisor", groupRole("callcenter", "supervisor")],
    ["a department operator", groupRole("department", "operator")],
    [
      "a user with every admin field empty",
      { is_super_admin: false, is_admin: false, admin_office_ids: [], group_details: [] },
    ],
  ])("%s is not", (_kind, fields) => {
    expect(isDialpadAdmin(userFromDialpad(fields))).toBe(false);
  });
});
