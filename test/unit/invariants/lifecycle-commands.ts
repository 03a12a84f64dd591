/**
 * The commands of the model-based tests (fast-check's command runner): each is one thing the world
 * does to the service, with its arbitrary. Each command tells the model what was asked and answered,
 * then lets it observe; every command can run at any time (a refusal is part of what is tested).
 */
import fc from "fast-check";
import { SCOPES, type Scope } from "../../../shared/auth/scopes";
import type { Person } from "../../../shared/lifecycle/model";
import type { DialpadMethod } from "../support/fake-dialpad";
import type { Invariant, LifecycleModel } from "./lifecycle-model";
import { type Client, DAY_MS, type Failure, LifecycleWorld, MANAGER, PEOPLE } from "./lifecycle-world";

type Command = fc.AsyncCommand<LifecycleModel, LifecycleWorld>;
const person = fc.constantFrom(...PEOPLE);
/** An index into the run's clients (their scopes are drawn per run). */
const client = fc.nat({ max: 2 });
const clientOf = (world: LifecycleWorld, index: number) =>
  world.clients[index % world.clients.length] ?? { name: "none", scopes: [] };
const path = (email: string, rest = "") => `/v1/users/${encodeURIComponent(email)}${rest}`;

export abstract class Step implements Command {
  check(): boolean {
    return true;
  }
  abstract run(model: LifecycleModel, world: LifecycleWorld): Promise<void>;
  abstract toString(): string;
}

export class Onboard extends Step {
  constructor(
    readonly client: number,
    readonly email: string,
    readonly rehire: boolean,
    readonly adminType: "none" | "office" | "company",
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const answer = await world.request(clientOf(world, this.client), "POST", "/v1/onboard", {
      email: this.email,
      first_name: "Pat",
      last_name: "Doe",
      office_id: world.s.hq.id,
      area_code: "212",
      call_center_ids: [world.s.support.id],
      admin_type: this.adminType,
      ...(this.rehire ? { rehire: true } : {}),
    });
    if (this.rehire && (answer.status === 202 || answer.status === 200)) model.rehireAccepted(this.email);
    await model.observe();
  }
  toString() {
    return `onboard(c${this.client}, ${this.email}, rehire=${this.rehire}, admin_type=${this.adminType})`;
  }
}

export class Update extends Step {
  constructor(
    readonly client: number,
    readonly email: string,
    readonly change: { admin_type?: "none" | "office" | "company"; call_center_ids?: "none" | "support" },
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const { admin_type, call_center_ids } = this.change;
    await world.request(clientOf(world, this.client), "POST", "/v1/update", {
      email: this.email,
      ...(admin_type ? { admin_type } : {}),
      ...(call_center_ids ? { call_center_ids: call_center_ids === "none" ? [] : [world.s.support.id] } : {}),
    });
    await model.observe();
  }
  toString() {
    return `update(c${this.client}, ${this.email}, ${JSON.stringify(this.change)})`;
  }
}

type Handoff =
  | "absent"
  | "keep"
  | "release"
  | "manager"
  | "other_person"
  | "department"
  | "office"
  | "call_center"
  | "unknown_department";
type KeyMode = "body" | "ticket-1" | "ticket-2" | "header-1" | "header-2";

export class Offboard extends Step {
  constructor(
    readonly client: number,
    readonly email: string,
    readonly retentionDays: number | undefined,
    readonly handoff: Handoff,
    readonly key: KeyMode,
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const other = PEOPLE.find((email) => email !== this.email) ?? MANAGER;
    const handoff = {
      absent: undefined,
      keep: { to: "keep" },
      release: { to: "release" },
      manager: { to: "user", email: MANAGER },
      other_person: { to: "user", email: other },
      department: { to: "department", id: world.department },
      office: { to: "office", id: world.s.hq.id },
      call_center: { to: "call_center", id: world.s.support.id },
      unknown_department: { to: "department", id: "999" },
    }[this.handoff];
    const [source, id] = this.key.split("-");
    const answer = await world.request(
      clientOf(world, this.client),
      "POST",
      "/v1/offboard",
      {
        email: this.email,
        ...(this.retentionDays === undefined ? {} : { retention_days: this.retentionDays }),
        ...(handoff ? { number_handoff: handoff } : {}),
        ...(source === "ticket" ? { ticket: { system: "jira", id: `IT-${id}` } } : {}),
      },
      source === "header" ? { "Idempotency-Key": `key-${id}` } : undefined,
    );
    model.offboardAnswered(clientOf(world, this.client).name, this.email, answer, source === "body");
    await model.observe();
  }
  toString() {
    return `offboard(c${this.client}, ${this.email}, retention_days=${this.retentionDays}, handoff=${this.handoff}, key=${this.key})`;
  }
}

/**
 * `POST /v1/users/{email}/approve-deletion`. Across a re-suspension, the approval's write comes
 * after the person was reactivated and suspended again by hand (the webhooks handled in between):
 * it was read for the earlier suspension.
 */
export class Approve extends Step {
  constructor(
    readonly client: number,
    readonly email: string,
    readonly acrossResuspension = false,
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const caller = clientOf(world, this.client);
    const suspension = model.suspensionOf(this.email);
    if (this.acrossResuspension)
      world.betweenReadAndWrite = async () => {
        for (const edit of ["reactivate", "suspend"] as const)
          await new HandEdit(this.email, edit, true).run(model, world);
      };
    const answer = await world.request(caller, "POST", path(this.email, "/approve-deletion"));
    world.betweenReadAndWrite = undefined;
    model.approveAnswered(caller.name, this.email, answer.status, suspension);
    await model.observe();
  }
  toString() {
    return `approve${this.acrossResuspension ? "_across_resuspension" : ""}(c${this.client}, ${this.email})`;
  }
}

/** `POST /v1/jobs/{id}/release` or `/cancel` on one of the offboards accepted so far. */
export class DecideJob extends Step {
  constructor(
    readonly client: number,
    readonly decision: "release" | "cancel",
    readonly pick: number,
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const offboards = world.s.jobs.all().filter((job) => job.kind === "offboard");
    const job = offboards[this.pick % Math.max(1, offboards.length)];
    if (!job) return;
    const caller = clientOf(world, this.client);
    const answer = await world.request(caller, "POST", `/v1/jobs/${job.job_id}/${this.decision}`);
    model.jobDecided(caller.name, job, this.decision, answer.status);
    await model.observe();
  }
  toString() {
    return `${this.decision}(c${this.client}, offboard #${this.pick})`;
  }
}

export class Hold extends Step {
  constructor(
    readonly client: number,
    readonly email: string,
    readonly lift: boolean,
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    const caller = clientOf(world, this.client);
    const before = (await world.s.people.get(this.email))?.hold;
    if (this.lift) {
      const answer = await world.request(caller, "DELETE", path(this.email, "/hold"));
      const after = answer.status === 200 ? ((await world.s.people.get(this.email)) as Person) : undefined;
      if (after) model.liftAnswered(caller.name, this.email, before, after);
    } else await world.request(caller, "POST", path(this.email, "/hold"), { reason: "litigation" });
    await model.observe();
  }
  toString() {
    return `${this.lift ? "lift_hold" : "hold"}(c${this.client}, ${this.email})`;
  }
}

export class HandEdit extends Step {
  constructor(
    readonly email: string,
    readonly edit:
      | "suspend"
      | "reactivate"
      | "make_admin"
      | "make_office_admin"
      | "revoke_admin"
      | "add_number",
    readonly syncNow: boolean,
  ) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    world.s.clock.advance(1000); // a person at a console: no two edits in the same millisecond
    const edited = world.handEdit(this.email, (user) => {
      if (this.edit === "suspend" && user.state === "active") user.state = "suspended";
      if (this.edit === "reactivate" && user.state === "suspended") {
        user.state = "active";
        model.handReactivated(this.email);
      }
      if (this.edit === "make_admin") user.is_super_admin = true;
      if (this.edit === "make_office_admin") user.admin_office_ids = [user.office_id];
      if (this.edit === "revoke_admin") Object.assign(user, { is_super_admin: false, admin_office_ids: [] });
      if (this.edit === "add_number") {
        const spare = world.s.dialpad.available.shift();
        if (spare) user.phone_numbers.push(spare);
      }
    });
    if (edited && this.syncNow) await world.deliverSync();
    await model.observe();
  }
  toString() {
    return `by_hand(${this.email}, ${this.edit}${this.syncNow ? ", webhook now" : ""})`;
  }
}

export class DeliverSync extends Step {
  async run(_model: LifecycleModel, world: LifecycleWorld) {
    await world.deliverSync();
  }
  toString() {
    return "deliver_webhook";
  }
}

export class Work extends Step {
  constructor(readonly deliveries: number) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    await world.deliver(this.deliveries);
    await model.observe();
  }
  toString() {
    return `work(${this.deliveries})`;
  }
}

/** One delivery whose `change`-th Dialpad change is applied and its answer lost: the run stops there, to be redelivered later. */
export class WorkCutShort extends Step {
  constructor(readonly change: number) {
    super();
  }
  async run(model: LifecycleModel, world: LifecycleWorld) {
    world.changesBeforeLostAnswer = this.change;
    try {
      await world.deliver(1);
    } finally {
      world.changesBeforeLostAnswer = undefined;
    }
    await model.observe();
  }
  toString() {
    return `work_cut_short(after change ${this.change})`;
  }
}

export class Sweep extends Step {
  constructor(readonly days: number) {
    super();
  }
  async run(_model: LifecycleModel, world: LifecycleWorld) {
    await world.sweep(this.days * DAY_MS);
  }
  toString() {
    return `sweep(after ${this.days} days)`;
  }
}

export class FailNext extends Step {
  constructor(
    readonly method: DialpadMethod | "anyChange",
    readonly failure: Failure,
  ) {
    super();
  }
  async run(_model: LifecycleModel, world: LifecycleWorld) {
    if (this.method === "anyChange") world.changesBeforeLostAnswer = 1;
    else world.failNext(this.method, this.failure);
  }
  toString() {
    return `fail_next(${this.method}, ${this.failure})`;
  }
}

const adminType = fc.constantFrom("none", "office", "company") as fc.Arbitrary<"none" | "office" | "company">;
const handoff = fc.constantFrom<Handoff>(
  "absent",
  "keep",
  "release",
  "manager",
  "other_person",
  "department",
  "office",
  "call_center",
  "unknown_department",
);
const keyMode = fc.constantFrom<KeyMode>("body", "body", "ticket-1", "ticket-2", "header-1", "header-2");
const work = fc.integer({ min: 1, max: 4 }).map((n) => new Work(n));

/** The commands, the likelier ones listed more than once (fast-check picks among entries evenly). */
export const COMMANDS: fc.Arbitrary<Command>[] = [
  fc
    .tuple(client, person, fc.boolean(), adminType)
    .map(([c, e, rehire, admin]) => new Onboard(c, e, rehire, admin)),
  fc
    .tuple(
      client,
      person,
      fc.record(
        {
          admin_type: adminType,
          call_center_ids: fc.constantFrom("none", "support") as fc.Arbitrary<"none" | "support">,
        },
        { requiredKeys: [] },
      ),
    )
    .map(([c, e, change]) => new Update(c, e, change)),
  fc
    .tuple(client, person, fc.constantFrom(undefined, 0, 7, 30, 90, 3650), handoff, keyMode)
    .map(([c, e, days, to, key]) => new Offboard(c, e, days, to, key)),
  fc.tuple(client, person).map(([c, e]) => new Offboard(c, e, undefined, "absent", "body")),
  fc.tuple(client, person).map(([c, e]) => new Approve(c, e)),
  fc.tuple(client, person).map(([c, e]) => new Approve(c, e, true)),
  fc.tuple(client, person, fc.boolean()).map(([c, e, lift]) => new Hold(c, e, lift)),
  fc
    .tuple(
      client,
      fc.constantFrom("release", "release", "cancel") as fc.Arbitrary<"release" | "cancel">,
      fc.nat({ max: 5 }),
    )
    .map(([c, decision, pick]) => new DecideJob(c, decision, pick)),
  fc
    .tuple(person, fc.constantFrom("suspend", "reactivate") as fc.Arbitrary<HandEdit["edit"]>, fc.boolean())
    .map(([e, edit, now]) => new HandEdit(e, edit, now)),
  fc
    .tuple(person, fc.constantFrom("suspend", "reactivate") as fc.Arbitrary<HandEdit["edit"]>, fc.boolean())
    .map(([e, edit, now]) => new HandEdit(e, edit, now)),
  fc
    .tuple(
      person,
      fc.constantFrom("make_admin", "make_office_admin", "revoke_admin", "add_number") as fc.Arbitrary<
        HandEdit["edit"]
      >,
    )
    .map(([e, edit]) => new HandEdit(e, edit, true)),
  fc.constant(new DeliverSync()),
  work,
  work,
  work,
  fc.integer({ min: 1, max: 3 }).map((n) => new WorkCutShort(n)),
  fc.integer({ min: 1, max: 3 }).map((n) => new WorkCutShort(n)),
  fc.constantFrom(0, 1, 8, 31, 31, 91, 3651).map((days) => new Sweep(days)),
  fc.constantFrom(0, 1, 8, 31, 31, 91, 3651).map((days) => new Sweep(days)),
  fc
    .tuple(
      fc.constantFrom<DialpadMethod>(
        "getUser",
        "updateUser",
        "removeOperator",
        "unassignNumber",
        "assignNumberToTarget",
        "deleteUser",
      ),
      fc.constantFrom<Failure>("lost_answer", "unavailable", "rejected"),
    )
    .map(([method, failure]) => new FailNext(method, failure)),
];

/**
 * A narrower mix around deletions: people offboarded with their numbers kept, retention running
 * out, delete jobs cut short, and hand edits, holds and approvals landing in between.
 */
export const DELETION_COMMANDS: fc.Arbitrary<Command>[] = [
  fc
    .tuple(client, person, fc.constantFrom(undefined, 0, 3650))
    .map(([c, e, days]) => new Offboard(c, e, days, "keep", "body")),
  fc.tuple(client, person).map(([c, e]) => new Approve(c, e)),
  fc.tuple(client, person, fc.boolean()).map(([c, e, lift]) => new Hold(c, e, lift)),
  fc
    .tuple(
      client,
      fc.constantFrom("release", "release", "cancel") as fc.Arbitrary<"release" | "cancel">,
      fc.nat({ max: 5 }),
    )
    .map(([c, decision, pick]) => new DecideJob(c, decision, pick)),
  fc
    .tuple(
      person,
      fc.constantFrom("suspend", "reactivate", "reactivate", "make_admin", "add_number") as fc.Arbitrary<
        HandEdit["edit"]
      >,
      fc.boolean(),
    )
    .map(([e, edit, now]) => new HandEdit(e, edit, now)),
  fc.constant(new DeliverSync()),
  work,
  fc.integer({ min: 1, max: 3 }).map((n) => new WorkCutShort(n)),
  fc.integer({ min: 1, max: 3 }).map((n) => new WorkCutShort(n)),
  fc.constantFrom(0, 31, 3651).map((days) => new Sweep(days)),
];

/** A client holds each scope two times in three, so most sequences have someone to do each thing. */
const scopes: fc.Arbitrary<Scope[]> = fc
  .tuple(...SCOPES.map((scope) => fc.constantFrom<Scope | undefined>(scope, scope, undefined)))
  .map((drawn) => drawn.filter((scope): scope is Scope => scope !== undefined));

/** Three clients, each with its own random set of scopes and maybe a mass-change limit of 1 or 2. */
export const clients: fc.Arbitrary<Client[]> = fc.tuple(
  ...[0, 1, 2].map((index) =>
    fc
      .tuple(scopes, fc.constantFrom<number | undefined>(undefined, undefined, 1, 2))
      .map(([held, limit]) => ({
        name: `c${index}`,
        scopes: held,
        ...(limit ? { massOffboardLimit: limit } : {}),
      })),
  ),
);

/** Runs one sequence from the starting world (two active people), failing on the `checked` invariants. */
export async function runSequence(
  scopes: readonly Client[],
  commands: Iterable<Command>,
  checked: readonly Invariant[],
): Promise<void> {
  const world = new LifecycleWorld(scopes);
  world.model.checked = new Set(checked);
  await world.start();
  await fc.asyncModelRun(() => ({ model: world.model, real: world }), commands);
}
