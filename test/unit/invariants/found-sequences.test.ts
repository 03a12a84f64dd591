/**
 * The counterexamples the model-based tests found (and those of issue 18's review), kept as plain
 * sequences: each broke its invariant on the code before its fix and must hold from now on. The
 * clients' scopes are spelled out; `legal_hold` joins `approve` where the scope exists.
 */
import { describe, it } from "vitest";
import { SCOPES, type Scope } from "../../../shared/auth/scopes";
import {
  Approve,
  DecideJob,
  FailNext,
  HandEdit,
  Hold,
  Offboard,
  Onboard,
  runSequence,
  type Step,
  Sweep,
  Work,
  WorkCutShort,
} from "./lifecycle-commands";
import type { Invariant } from "./lifecycle-model";
import type { Client } from "./lifecycle-world";

const ann = "ann@example.com";
/** The scopes that place and lift holds: `legal_hold` where it exists, else `approve`. */
const holding: Scope[] = (SCOPES as readonly string[]).includes("legal_hold")
  ? ["legal_hold" as Scope]
  : ["approve"];
const client = (name: string, scopes: Scope[]): Client => ({ name, scopes });

interface Found {
  name: string;
  invariant: Invariant;
  clients: Client[];
  commands: Step[];
}

const FOUND: Found[] = [
  {
    name: "retention: a non-admin offboard of someone an admin offboarded for ten years keeps the ten years",
    invariant: "retention_only_lengthens",
    clients: [client("c0", ["offboard", "admin"]), client("c1", ["offboard"])],
    commands: [
      new Offboard(0, ann, 3650, "absent", "body"),
      new Work(3),
      new Offboard(1, ann, undefined, "absent", "body"),
      new Work(3),
    ],
  },
  {
    name: "retention: a non-admin offboard of a hand suspension keeps the need for an approval",
    invariant: "retention_only_lengthens",
    clients: [client("c0", ["offboard"])],
    commands: [
      new HandEdit(ann, "suspend", true),
      new Offboard(0, ann, undefined, "absent", "body"),
      new Work(3),
    ],
  },
  {
    name: "duties: an offboard failing after the suspension is not relabelled a hand suspension, nor approved by its client",
    invariant: "separation_of_duties",
    clients: [client("c0", ["offboard", "approve"])],
    commands: [
      new FailNext("assignNumberToTarget", "rejected"),
      new Offboard(0, ann, undefined, "manager", "body"),
      new Work(3),
      new Sweep(0),
      new HandEdit(ann, "suspend", true), // nothing changes by hand: it delivers the webhook of our suspension
      new Approve(0, ann),
    ],
  },
  {
    name: "duties: a hold is lifted only by the client that placed it (or admin)",
    invariant: "separation_of_duties",
    clients: [client("c0", holding), client("c1", holding)],
    commands: [new Hold(0, ann, false), new Hold(1, ann, true)],
  },
  {
    name: "duties: the client that lifted a hold during the suspension does not approve its deletion",
    invariant: "separation_of_duties",
    clients: [client("c0", [...holding, "approve"]), client("c1", ["offboard"])],
    commands: [
      new Offboard(1, ann, undefined, "absent", "body"),
      new Work(3),
      new Hold(0, ann, false),
      new Hold(0, ann, true),
      new Approve(0, ann),
    ],
  },
  {
    // c1's offboard was accepted in the hand suspension; ann is reactivated and suspended again by
    // hand; c1's offboard starts on the new suspension and waits for a retry; c1 approves.
    name: "duties: a client whose offboard is still running when the person is suspended again does not approve",
    invariant: "separation_of_duties",
    clients: [client("c0", [...SCOPES]), client("c1", [...SCOPES])],
    commands: [
      new HandEdit(ann, "suspend", false),
      new Sweep(91),
      new Offboard(0, "bob@example.com", undefined, "absent", "body"),
      new Offboard(1, ann, undefined, "absent", "body"),
      new Approve(0, ann, true),
      new WorkCutShort(1),
      new Approve(1, ann, true),
    ],
  },
  {
    name: "approval: an approval read for one suspension is not written into the next",
    invariant: "approval_per_suspension",
    clients: [client("c0", ["offboard"]), client("c1", ["approve"])],
    commands: [new Offboard(0, ann, undefined, "absent", "body"), new Work(3), new Approve(1, ann, true)],
  },
  {
    name: "numbers: a deletion parks the numbers instead of unassigning (released with no reserved pool)",
    invariant: "numbers_stay",
    clients: [client("c0", ["offboard"])],
    commands: [new Offboard(0, ann, undefined, "absent", "body"), new Work(3), new Sweep(31), new Work(3)],
  },
  {
    name: "stale state: a user reactivated while its delete job waits for a retry keeps its other number",
    invariant: "no_stale_changes",
    clients: [client("c0", ["offboard"])],
    commands: [
      new Offboard(0, ann, undefined, "absent", "body"),
      new Work(3),
      new Sweep(31),
      new WorkCutShort(1),
      new HandEdit(ann, "reactivate", true),
      new Work(3),
    ],
  },
  {
    name: "offboard: the same body offboarding a rehired person a week later runs again",
    invariant: "offboard_leaves_suspended",
    clients: [client("c0", ["onboard", "offboard"])],
    commands: [
      new Offboard(0, ann, undefined, "absent", "body"),
      new Work(3),
      new Onboard(0, ann, true, "none"),
      new Work(3),
      new Sweep(8),
      new Offboard(0, ann, undefined, "absent", "body"),
      new Work(3),
    ],
  },
  {
    name: "guard: the offboard past a client's limit is held, changes nothing, and is released by another client",
    invariant: "mass_change_guard",
    clients: [{ ...client("c0", ["offboard", "approve"]), massOffboardLimit: 1 }, client("c1", ["approve"])],
    commands: [
      new Offboard(0, ann, undefined, "absent", "body"),
      new Offboard(0, "bob@example.com", undefined, "absent", "body"),
      new Work(4),
      new DecideJob(0, "release", 1),
      new DecideJob(1, "release", 1),
      new Work(4),
    ],
  },
  {
    name: "privilege: an admin made by hand is not offboarded by a client without admin",
    invariant: "no_privilege_without_admin",
    clients: [client("c0", ["offboard"])],
    commands: [
      new HandEdit(ann, "make_admin", true),
      new Offboard(0, ann, undefined, "absent", "body"),
      new Work(3),
    ],
  },
];

describe("sequences that broke an invariant", () => {
  for (const found of FOUND)
    it(found.name, () => runSequence(found.clients, found.commands, [found.invariant]));
});
