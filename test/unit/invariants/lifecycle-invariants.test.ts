/**
 * The lifecycle invariants (docs/product.md) over random sequences: requests by clients with random
 * scopes, Dialpad hand edits and their webhooks, sweeps, queue deliveries and runs cut short between
 * steps, every invariant checked after every command and every delivery (lifecycle-model.ts). The
 * seed is fixed so every run checks the same sequences; INVARIANT_SEED=<n> (or `random`) and
 * INVARIANT_RUNS=<n> explore others (docs/testing.md).
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { COMMANDS, clients, DELETION_COMMANDS, runSequence } from "./lifecycle-commands";
import { INVARIANTS } from "./lifecycle-model";

const RUNS = Number(process.env.INVARIANT_RUNS ?? 250);
const SEED = process.env.INVARIANT_SEED;

const seed = (fixed: number) =>
  SEED === "random" ? {} : { seed: SEED === undefined ? fixed : Number(SEED) };

describe("lifecycle invariants over random sequences", () => {
  it(`hold after every step of ${RUNS} sequences of every command: ${INVARIANTS.join(", ")}`, async () => {
    await fc.assert(
      fc.asyncProperty(clients, fc.commands(COMMANDS, { maxCommands: 40, size: "max" }), (scopes, commands) =>
        runSequence(scopes, commands, INVARIANTS),
      ),
      { numRuns: RUNS, ...seed(1818) },
    );
  });

  it(`hold after every step of ${RUNS} sequences around deletions cut short: ${INVARIANTS.join(", ")}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        clients,
        fc.commands(DELETION_COMMANDS, { maxCommands: 30, size: "max" }),
        (scopes, commands) => runSequence(scopes, commands, INVARIANTS),
      ),
      { numRuns: RUNS, ...seed(1819) },
    );
  });
});
