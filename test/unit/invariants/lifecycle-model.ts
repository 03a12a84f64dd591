/**
 * The model of the model-based tests: what the world has done so far that the lifecycle invariants
 * (docs/product.md "Lifecycle invariants" 1-7, and "an accepted offboard leaves the person suspended
 * unless a later rehire") depend on, and the checks themselves. It never asks the code under test
 * whether a rule holds: it keeps its own account of who asked what, and compares our records and
 * Dialpad's users with it. docs/testing.md describes each check.
 */
import type { Job, LegalHold, Person } from "../../../shared/lifecycle/model";
import type { LifecycleWorld } from "./lifecycle-world";
import { PEOPLE } from "./lifecycle-world";

export const INVARIANTS = [
  "retention_only_lengthens",
  "separation_of_duties",
  "approval_per_suspension",
  "numbers_stay",
  "no_stale_changes",
  "no_privilege_without_admin",
  "mass_change_guard",
  "offboard_leaves_suspended",
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export class InvariantViolation extends Error {
  override name = "InvariantViolation";
  constructor(
    readonly invariant: Invariant | "no_internal_errors",
    message: string,
  ) {
    super(`${invariant}: ${message}`);
  }
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
const BODY_KEY_LIFETIME_MS = 24 * 3600 * 1000;

/** What the model knows about one person. */
interface PersonModel {
  /** Our record is suspended (as last observed), and which suspension of the record this is. */
  suspended: boolean;
  suspension: number;
  /** Invariant 1: the earliest `delete_after` this suspension still allows without `admin`. */
  floor?: string;
  /** Invariant 1: the record needed an approval / stood under this hold when last observed. */
  neededApproval: boolean;
  hold?: LegalHold;
  /** Invariant 3: the suspension in which the last accepted approval was read. */
  approvedIn?: number;
  /** Invariant 6: an `admin` client offboarded or approved during this suspension. */
  adminBacked: boolean;
  /** Invariant 2: offboards requested (job and client) that still belong to the suspension. */
  offboards: { jobId: string; client: string }[];
  /** Invariant 2: clients that lifted a hold on the person during this suspension. */
  lifters: Set<string>;
  /** Who suspended the person's Dialpad user this time, and when (none: not suspended). */
  dialpadSuspension?: { by: "ours" | "hand"; at: string };
  /** The accepted offboard that must leave the person suspended, until a rehire. */
  obligation?: string;
}

export class LifecycleModel {
  /** The invariants whose violations fail the run; the others are only kept track of. */
  checked: ReadonlySet<Invariant> = new Set();
  private readonly people = new Map<string, PersonModel>();
  /** Invariant 7: each client's new offboards (epoch ms), and the jobs held or cancelled and not released. */
  private readonly offboardsAt = new Map<string, number[]>();
  private readonly held = new Set<string>();
  private readonly cancelled = new Set<string>();
  /** Numbers an offboard asked to release (`number_handoff: {to: "release"}`). */
  private readonly releaseAsked = new Set<string>();
  /** What happened since the last observation that lets a record change legitimately. */
  private readonly since = {
    adminOffboard: new Set<string>(),
    lifted: new Set<string>(),
    approved: new Set<string>(),
  };

  constructor(private readonly world: LifecycleWorld) {
    for (const email of PEOPLE)
      this.people.set(email, {
        suspended: false,
        suspension: 0,
        neededApproval: false,
        adminBacked: false,
        offboards: [],
        lifters: new Set(),
      });
  }

  person(email: string | undefined): PersonModel | undefined {
    return email ? this.people.get(email.toLowerCase()) : undefined;
  }

  /** Violations found inside a job's run, where the worker's own error handling would swallow them. */
  private readonly found: InvariantViolation[] = [];

  private violate(invariant: Invariant | "no_internal_errors", message: string): void {
    if (invariant !== "no_internal_errors" && !this.checked.has(invariant)) return;
    const violation = new InvariantViolation(invariant, message);
    this.found.push(violation);
    throw violation;
  }

  private hasAdmin(client: string): boolean {
    return this.world.scopesOf(client).includes("admin");
  }

  // What the commands tell the model

  offboardAnswered(
    client: string,
    email: string,
    answer: { status: number; body: { job_id?: string; created_at?: string; status?: string } },
    keyFromBody: boolean,
  ): void {
    const person = this.person(email);
    const jobId = answer.body.job_id;
    if (!person || !jobId || (answer.status !== 200 && answer.status !== 202)) return;
    person.offboards.push({ jobId, client });
    if (answer.status === 202) {
      person.obligation = jobId;
      this.guardOffboard(client, jobId, answer.body.status);
      return;
    }
    const age = this.world.s.clock.now().getTime() - Date.parse(answer.body.created_at ?? "");
    if (keyFromBody && age > BODY_KEY_LIFETIME_MS)
      this.violate(
        "offboard_leaves_suspended",
        `an offboard of ${email} without key or ticket answered job ${jobId}, accepted ${Math.round(age / 3600_000)} h earlier: a body-hash key lasts 24 hours, so the repeat must run`,
      );
  }

  /** 7: a client's offboards past its limit within 15 minutes are accepted `held`. */
  private guardOffboard(client: string, jobId: string, status: string | undefined): void {
    const now = this.world.s.clock.now().getTime();
    const recent = [...(this.offboardsAt.get(client) ?? []).filter((at) => at > now - 15 * 60_000), now];
    this.offboardsAt.set(client, recent);
    if (status === "held") this.held.add(jobId);
    const limit = this.world.clients.find((candidate) => candidate.name === client)?.massOffboardLimit;
    if (limit && recent.length > limit && status !== "held")
      this.violate(
        "mass_change_guard",
        `offboard ${recent.length} of ${client} within 15 minutes (limit ${limit}) was accepted ${status}, not held`,
      );
  }

  /** 7: a held job is released only by an `approve` client other than its own; a cancelled one never runs. */
  jobDecided(
    client: string,
    job: { job_id: string; client: string },
    decision: "release" | "cancel",
    status: number,
  ): void {
    if (status !== 200) return;
    if (decision === "cancel") this.cancelled.add(job.job_id);
    else {
      this.held.delete(job.job_id);
      if (job.client === client)
        this.violate("mass_change_guard", `${client} released job ${job.job_id} it submitted itself`);
    }
  }

  /**
   * 6, at the API: what needs `admin` beyond the route's scope (admin rights asked for, a retention
   * shorter than the default) is refused before anything is written.
   */
  requestAnswered(client: string, what: string, needsAdmin: boolean, status: number): void {
    if (needsAdmin && status < 300 && !this.hasAdmin(client))
      this.violate(
        "no_privilege_without_admin",
        `${what} by ${client}, without admin, was accepted (${status})`,
      );
  }

  rehireAccepted(email: string): void {
    const person = this.person(email);
    if (person) delete person.obligation;
  }

  handReactivated(email: string): void {
    const person = this.person(email);
    if (person) delete person.obligation;
  }

  dialpadStateChanged(userId: string, state: string, by: "ours" | "hand"): void {
    const user = this.world.s.dialpad.users.get(userId);
    const person = this.person(user?.emails[0]);
    if (!person) return;
    if (state === "suspended") person.dialpadSuspension = { by, at: this.world.s.clock.now().toISOString() };
    else delete person.dialpadSuspension;
  }

  approveAnswered(client: string, email: string, status: number, suspensionAtRead: number): void {
    const person = this.person(email);
    if (!person || status !== 200) return;
    this.since.approved.add(email);
    person.approvedIn = suspensionAtRead;
    if (this.hasAdmin(client)) person.adminBacked = true;
    const offboarded = person.offboards.find((offboard) => offboard.client === client);
    if (offboarded)
      this.violate(
        "separation_of_duties",
        `${client} approved the deletion of ${email} although it requested offboard job ${offboarded.jobId} of this suspension`,
      );
    if (person.lifters.has(client))
      this.violate(
        "separation_of_duties",
        `${client} approved the deletion of ${email} although it lifted a hold on the person during this suspension`,
      );
  }

  liftAnswered(
    client: string,
    email: string,
    before: LegalHold | undefined,
    after: Person | undefined,
  ): void {
    const person = this.person(email);
    if (!person || !before || after?.hold) return;
    this.since.lifted.add(email);
    if (person.suspended || person.dialpadSuspension) person.lifters.add(client);
    if (before.by !== client && !this.hasAdmin(client))
      this.violate(
        "separation_of_duties",
        `${client} lifted the hold ${before.by} placed on ${email}, without admin`,
      );
  }

  delivered(job: Job | undefined): void {
    if (job?.kind === "offboard" && job.email && this.hasAdmin(job.client)) {
      this.since.adminOffboard.add(job.email.toLowerCase());
      const person = this.person(job.email);
      if (person) person.adminBacked = true;
    }
  }

  // The checks

  /** Called after every command and every delivery. */
  async observe(): Promise<void> {
    const [first] = this.found;
    if (first) throw first;
    const { s } = this.world;
    for (const job of s.jobs.all())
      if (job.error?.code === "internal_error")
        this.violate(
          "no_internal_errors",
          `job ${job.job_id} (${job.kind}) failed internal_error: ${job.error.message}`,
        );
    for (const number of s.dialpad.released)
      if (!this.releaseAsked.has(number))
        this.violate(
          "numbers_stay",
          `${number} left the company (Dialpad released it) though no request said release`,
        );
    for (const email of PEOPLE) await this.observePerson(email);
    this.since.adminOffboard.clear();
    this.since.lifted.clear();
    this.since.approved.clear();
  }

  private async observePerson(email: string): Promise<void> {
    const person = this.people.get(email) as PersonModel;
    const found = await this.world.s.people.getWithHistory(email);
    const record = found?.person;
    const user = this.world.dialpadUserOf(email, record);
    const dialpadSuspended = user?.state === "suspended";
    const recordSuspended = record?.state === "suspended";

    if (!recordSuspended) {
      if (person.suspended) this.endSuspension(person);
      person.adminBacked = false;
    } else if (!person.suspended) {
      person.suspended = true;
      person.suspension += 1;
      person.floor = record.delete_after;
      person.neededApproval = needsApproval(record);
      person.hold = record.hold;
      person.adminBacked ||= this.since.adminOffboard.has(email);
    } else {
      this.checkRetention(email, person, record);
    }

    if (!recordSuspended && !dialpadSuspended) {
      // Offboards that ended with the person neither suspended in Dialpad nor on our record
      // belong to no suspension; those still running may yet make one.
      const jobs = this.world.s.jobs;
      const open = await Promise.all(
        person.offboards.map(
          async (offboard) => !TERMINAL.has((await jobs.get(offboard.jobId))?.status ?? ""),
        ),
      );
      person.offboards = person.offboards.filter((_, at) => open[at]);
      person.lifters.clear();
    }

    if (recordSuspended && record.deletion_approved_at && person.approvedIn !== person.suspension)
      this.violate(
        "approval_per_suspension",
        `${email}'s record carries an approval (${record.deletion_approved_at}) that was not given for its current suspension`,
      );

    const ours = person.dialpadSuspension;
    if (ours?.by === "ours" && dialpadSuspended) {
      const relabel = found?.history.find(
        (entry) => entry.action === "suspended_by_hand" && entry.at >= ours.at,
      );
      if (relabel)
        this.violate(
          "separation_of_duties",
          `our own suspension of ${email} (${ours.at}) was recorded as a hand suspension: ${relabel.detail}`,
        );
    }

    if (person.obligation) await this.checkObligation(email, person);
  }

  private endSuspension(person: PersonModel): void {
    person.suspended = false;
    delete person.floor;
    delete person.hold;
    person.neededApproval = false;
    person.adminBacked = false;
  }

  /** Invariant 1, within one suspension of the record. */
  private checkRetention(email: string, person: PersonModel, record: Person): void {
    if (this.since.adminOffboard.has(email)) {
      person.floor = record.delete_after;
      person.neededApproval = needsApproval(record);
      person.hold = record.hold;
      return;
    }
    if (person.floor && (!record.delete_after || record.delete_after < person.floor))
      this.violate(
        "retention_only_lengthens",
        `${email}'s delete_after moved from ${person.floor} to ${record.delete_after ?? "(none)"} without admin`,
      );
    if (person.hold && !record.hold && !this.since.lifted.has(email))
      this.violate("retention_only_lengthens", `${email}'s legal hold disappeared without being lifted`);
    if (person.neededApproval && !needsApproval(record) && !this.since.approved.has(email))
      this.violate(
        "retention_only_lengthens",
        `${email}'s deletion needed an approval and no longer does, though nobody approved it (${JSON.stringify(record)})`,
      );
    if (record.delete_after && (!person.floor || record.delete_after > person.floor))
      person.floor = record.delete_after;
    person.neededApproval = needsApproval(record);
    person.hold = record.hold;
  }

  /** "An accepted offboard leaves the person suspended unless a later rehire." */
  private async checkObligation(email: string, person: PersonModel): Promise<void> {
    const job = await this.world.s.jobs.get(person.obligation ?? "");
    if (!job || !TERMINAL.has(job.status)) return;
    if (job.status !== "succeeded") {
      delete person.obligation;
      return;
    }
    const user = job.user_id ? this.world.s.dialpad.users.get(job.user_id) : undefined;
    if (user && user.state !== "suspended" && user.state !== "deleted")
      this.violate(
        "offboard_leaves_suspended",
        `offboard job ${job.job_id} of ${email} succeeded, yet Dialpad user ${user.id} is ${user.state} with no rehire since`,
      );
  }

  /** Invariants 4, 5 and 6, at the moment a job is about to change Dialpad. */
  async beforeChange(method: string, args: unknown[], job: Job | undefined): Promise<void> {
    if (!job) return;
    if (this.held.has(job.job_id) || this.cancelled.has(job.job_id))
      this.violate(
        "mass_change_guard",
        `${job.kind} job ${job.job_id} calls ${method} though it is ${this.held.has(job.job_id) ? "held and not released" : "cancelled"}`,
      );
    const dialpad = this.world.s.dialpad;
    const holderOf = (number: string) =>
      [...dialpad.users.values()].find((user) => user.phone_numbers.includes(number));
    const target =
      method === "assignNumberToTarget" || method === "unassignNumberFromHolder"
        ? holderOf(String(args[0]))
        : method === "removeOperator"
          ? dialpad.users.get(String(args[1]))
          : method === "addOperator"
            ? dialpad.users.get(String((args[1] as { user_id: string }).user_id))
            : method === "createUser"
              ? undefined
              : dialpad.users.get(String(args[0]));
    const what = `${job.kind} job ${job.job_id} (client ${job.client}) calling ${method}(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;

    // 6: no admin right raised, and no admin suspended, updated or deleted, without admin.
    const authorised =
      job.kind === "delete" ? this.person(job.email)?.adminBacked === true : this.hasAdmin(job.client);
    if (!authorised) {
      const patch =
        method === "updateUser" ? (args[1] as { is_super_admin?: boolean; admin_office_ids?: string[] }) : {};
      if (patch.is_super_admin === true || (patch.admin_office_ids?.length ?? 0) > 0)
        this.violate("no_privilege_without_admin", `${what} raises admin rights`);
      const changesUser = method === "updateUser" || method === "deleteUser" || method === "moveOffice";
      if (changesUser && target && (target.is_super_admin || target.admin_office_ids.length > 0))
        this.violate("no_privilege_without_admin", `${what} changes Dialpad admin ${target.id}`);
    }

    // 4: with no reserved pool, an unassigned number, or one left on a deleted user, leaves the company.
    const released =
      method === "unassignNumber"
        ? [String(args[1])]
        : method === "unassignNumberFromHolder"
          ? [String(args[0])]
          : method === "deleteUser"
            ? [...(target?.phone_numbers ?? [])]
            : [];
    const asked =
      job.kind === "offboard" && job.request.number_handoff?.to === "release" && method !== "deleteUser";
    if (asked) for (const number of released) this.releaseAsked.add(number);
    if (released.length > 0 && !asked)
      this.violate(
        "numbers_stay",
        `${what} releases ${released.join(", ")} from the company though no request said release`,
      );

    // 5: the delete job changes nothing of a person reactivated, held, re-timed or not approved.
    const removes = [
      "removeOperator",
      "unassignNumber",
      "unassignNumberFromHolder",
      "assignNumberToTarget",
      "deleteUser",
      "updateUser",
    ];
    if (job.kind === "delete" && removes.includes(method)) {
      const record = await this.world.s.people.get(job.request.email);
      const now = this.world.s.clock.now().toISOString();
      const stale = [
        target && target.state !== "suspended" ? `Dialpad user ${target.id} is ${target.state}` : undefined,
        !record ? "we hold no record" : undefined,
        record && record.state !== "suspended" ? `the record is ${record.state}` : undefined,
        record?.hold ? "the record is under a legal hold" : undefined,
        record && record.user_id !== job.request.user_id
          ? `the record names user ${record.user_id}`
          : undefined,
        record && (!record.delete_after || record.delete_after > now)
          ? `delete_after is ${record.delete_after ?? "gone"}`
          : undefined,
        record?.delete_after && job.request.delete_after && record.delete_after > job.request.delete_after
          ? `delete_after moved to ${record.delete_after}`
          : undefined,
        record && needsApproval(record) ? "the deletion needs an approval it does not have" : undefined,
      ].filter((reason) => reason !== undefined);
      if (stale.length > 0) this.violate("no_stale_changes", `${what} although ${stale.join("; ")}`);
    }
  }

  suspensionOf(email: string): number {
    return this.person(email)?.suspension ?? 0;
  }
}

/** Our own reading of the rule: a hand suspension waits for an approval (approvals are not required otherwise here). */
function needsApproval(record: Person): boolean {
  return record.deletion_requires_approval === true && !record.deletion_approved_at;
}
