/**
 * The lifecycle invariants (docs/product.md) over random sequences: requests by clients with random
 * scopes, Dialpad hand edits and their webhooks, sweeps, queue deliveries and runs cut short between
 * steps, checked after every command and every delivery (lifecycle-model.ts). One property per
 * invariant, each over its own sequences. The seeds are fixed so every run checks the same
 * sequences; INVARIANT_SEED=<n> (or `random`) and INVARIANT_RUNS=<n> explore others
 * (docs/testing.md).
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { SCOPES } from "../../../shared/auth/scopes";
import { COMMANDS } from "./lifecycle-commands";
import { INVARIANTS, type Invariant } from "./lifecycle-model";
import { type Client, LifecycleWorld } from "./lifecycle-world";

const RUNS = Number(process.env.INVARIANT_RUNS ?? 200);
const SEED = process.env.INVARIANT_SEED;

/** Three clients, each with its own random set of scopes. */
export const clients: fc.Arbitrary<Client[]> = fc.tuple(
  ...[0, 1, 2].map((index) => fc.subarray([...SCOPES]).map((scopes) => ({ name: `c${index}`, scopes }))),
);

export async function runSequence(
  scopes: readonly Client[],
  commands: Iterable<fc.AsyncCommand<LifecycleWorld["model"], LifecycleWorld>>,
  checked: readonly Invariant[],
): Promise<void> {
  const world = new LifecycleWorld(scopes);
  world.model.checked = new Set(checked);
  await world.start();
  await fc.asyncModelRun(() => ({ model: world.model, real: world }), commands);
}

const seedOf = (invariant: Invariant) =>
  SEED === "random" ? {} : { seed: SEED === undefined ? 1800 + INVARIANTS.indexOf(invariant) : Number(SEED) };

describe("lifecycle invariants over random sequences", () => {
  it.each(INVARIANTS)("%s", async (invariant) => {
    await fc.assert(
      fc.asyncProperty(clients, fc.commands(COMMANDS, { maxCommands: 40, size: "max" }), (scopes, commands) =>
        runSequence(scopes, commands, [invariant]),
      ),
      { numRuns: RUNS, ...seedOf(invariant) },
    );
  });
});
