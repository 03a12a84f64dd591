/**
 * The model-based tests find a broken guard: with the worker's check of authority over Dialpad
 * admins switched off (a test-only variant of the module), the random sequences must produce a
 * counterexample for "no privilege without admin". Without this, a property that cannot fail would
 * pass unnoticed.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { COMMANDS, clients, runSequence } from "./lifecycle-commands";
import { InvariantViolation } from "./lifecycle-model";

vi.mock("../../../shared/lifecycle/authority", async (original) => ({
  ...(await original<typeof import("../../../shared/lifecycle/authority")>()),
  requireAuthorityOver: () => undefined,
}));

describe("a deliberately broken guard", () => {
  it("is found: an admin changed by a job whose client lacked admin", async () => {
    const run = fc.assert(
      fc.asyncProperty(clients, fc.commands(COMMANDS, { maxCommands: 40, size: "max" }), (scopes, commands) =>
        runSequence(scopes, commands, ["no_privilege_without_admin"]),
      ),
      { numRuns: 250, seed: 1818 },
    );
    const failure = await run.then(
      () => new Error("no counterexample"),
      (error: Error) => error,
    );
    expect(failure.message).toContain("Counterexample");
    expect(failure.cause).toBeInstanceOf(InvariantViolation);
    expect(String((failure.cause as Error).message)).toMatch(
      /^no_privilege_without_admin: .* changes Dialpad admin/,
    );
  });
});
