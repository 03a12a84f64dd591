/**
 * The system under the model-based tests: the whole lifecycle on in-memory ports (memory-service.ts)
 * driven the way the world drives it: API requests by clients with their own scopes (through the
 * API function itself, so every route's scope check and request rule applies), Dialpad hand edits
 * with the webhook syncs they cause, sweeps with the clock moved on, one queue delivery at a time,
 * and scripted Dialpad failures that cut a job run short between steps (it is redelivered later).
 * Every Dialpad change a job makes passes a watch that checks, at that moment, the invariants about
 * what may be changed (numbers, stale state, privilege); the rest are checked by `observe()` after
 * every command and every delivery (lifecycle-model.ts).
 */
import type { ApiHandler } from "../../../functions/api/api";
import type { Scope } from "../../../shared/auth/scopes";
import type { DialpadApi } from "../../../shared/dialpad/api";
import { DialpadError } from "../../../shared/dialpad/errors";
import type { Job, Person } from "../../../shared/lifecycle/model";
import type { PersonStore } from "../../../shared/lifecycle/ports";
import { runSweep } from "../../../shared/retention/run-sweep";
import { syncUser } from "../../../shared/webhook/sync-user";
import type { UserSyncMessage } from "../../../shared/webhook/user-sync-message";
import { callApi } from "../../support/api-caller";
import type { DialpadMethod, FakeUser } from "../support/fake-dialpad";
import { memoryApi } from "../support/memory-api";
import { type MemoryService, memoryService } from "../support/memory-service";
import { LifecycleModel } from "./lifecycle-model";

export const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_RETENTION_DAYS = 30;
/** The people the sequences are about: two, so their jobs and records interleave. */
export const PEOPLE = ["ann@example.com", "bob@example.com"] as const;
export type PersonEmail = (typeof PEOPLE)[number];
/** An active Dialpad user (not one of PEOPLE) that numbers can be handed to. */
export const MANAGER = "boss@example.com";

export interface Client {
  name: string;
  scopes: Scope[];
  /** The registry entry's `mass_offboard_limit` (none: the client is not guarded). */
  massOffboardLimit?: number;
}

/** The Dialpad changes a job can make; each passes the watch first. */
const CHANGES = new Set<string>([
  "createUser",
  "updateUser",
  "deleteUser",
  "moveOffice",
  "assignNumber",
  "unassignNumber",
  "assignNumberToTarget",
  "unassignNumberFromHolder",
  "addOperator",
  "removeOperator",
]);

export type Failure = "lost_answer" | "unavailable" | "rejected";

export class LifecycleWorld {
  readonly s: MemoryService;
  readonly model: LifecycleModel;
  readonly api: ApiHandler;
  readonly department: string;
  /** Webhook events Dialpad sent that the worker has not handled yet. */
  readonly pendingSyncs: UserSyncMessage[] = [];
  /** The job whose delivery is running now (every Dialpad change in between is its). */
  runningJob: Job | undefined;
  /** The change a job makes after this many more is applied, then its answer lost: the run stops there. */
  changesBeforeLostAnswer: number | undefined;
  private nextEvent = 0;

  constructor(readonly clients: readonly Client[]) {
    this.s = memoryService();
    const dialpad = this.s.dialpad;
    dialpad.addNumbers("+12125550102", "+12125550103", "+12125550104", "+16465550101", "+16465550102");
    this.department = dialpad.addDepartment("Reception", this.s.hq.id).id;
    dialpad.addUser({ email: MANAGER, office_id: this.s.hq.id });
    const watched = this.watched(dialpad);
    this.s.lifecycle.dialpad = { urgent: watched, bulk: watched };
    // The API's own composition over the memory service, its person store watched for the race commands.
    this.api = memoryApi({
      ...this.s,
      people: this.beforeApiWrites(this.s.people) as MemoryService["people"],
    });
    this.model = new LifecycleModel(this);
  }

  /**
   * Both people onboarded by a setup client: active, in the Support call center, with a number and
   * a second one given by hand (so a deletion cut short still has something left to take).
   */
  async start(): Promise<void> {
    for (const email of PEOPLE)
      await this.s.onboard({
        email,
        office_id: this.s.hq.id,
        area_code: "212",
        call_center_ids: [this.s.support.id],
      });
    await this.s.work();
    for (const email of PEOPLE) {
      const second = this.s.dialpad.available.find((number) => number.startsWith("+1646"));
      const user = this.dialpadUserOf(email);
      if (second && user) {
        this.s.dialpad.available.splice(this.s.dialpad.available.indexOf(second), 1);
        user.phone_numbers.push(second);
      }
    }
    this.s.dialpad.calls.length = 0;
    await this.model.observe();
  }

  scopesOf(client: string): readonly string[] {
    return this.clients.find((candidate) => candidate.name === client)?.scopes ?? [];
  }

  /** A request to the API function as `client`; a 5xx is a defect whatever was asked. */
  async request(
    client: Client,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const answer = await callApi(this.api, {
      method,
      path,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
      client: {
        name: client.name,
        scopes: client.scopes,
        ...(client.massOffboardLimit === undefined ? {} : { massOffboardLimit: client.massOffboardLimit }),
      },
    });
    if (answer.status >= 500)
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** The person's Dialpad user: the live one holding the email, else the one our record names. */
  dialpadUserOf(email: string, record?: Person): FakeUser | undefined {
    const live = this.s.dialpad.byEmail(email).find((user) => user.state !== "deleted");
    if (live) return live;
    return record?.user_id ? this.s.dialpad.users.get(record.user_id) : undefined;
  }

  /** Delivers up to `count` queued messages one at a time, observing after each. */
  async deliver(count: number): Promise<void> {
    for (let delivered = 0; delivered < count; delivered++) {
      const message = this.s.queue.sent[0];
      if (!message) return;
      this.runningJob = await this.s.jobs.get(message.jobId);
      const before = this.dialpadStates();
      const job = this.runningJob;
      try {
        await this.s.work(1);
      } finally {
        this.runningJob = undefined;
      }
      this.dialpadChanged(before, "ours");
      this.model.delivered(job);
      await this.model.observe();
    }
  }

  /** Delivers every queued message and webhook event, as the queues would given a few minutes. */
  async settle(): Promise<void> {
    for (
      let round = 0;
      round < 50 && (this.s.queue.sent.length > 0 || this.pendingSyncs.length > 0);
      round++
    ) {
      await this.deliver(this.s.queue.sent.length);
      const syncs = this.pendingSyncs.length;
      for (let sync = 0; sync < syncs; sync++) await this.deliverSync();
    }
  }

  /** Hands the next pending webhook event to the worker's user sync (a busy person re-queues it). */
  async deliverSync(): Promise<void> {
    const message = this.pendingSyncs.shift();
    if (!message) return;
    try {
      await syncUser(message, {
        dialpad: this.s.dialpad,
        people: this.s.people,
        jobs: this.s.jobs,
        userSyncs: { enqueue: async (again) => void this.pendingSyncs.push(again) },
        clock: this.s.clock,
        retentionDays: DEFAULT_RETENTION_DAYS,
      });
    } catch (error) {
      // A failed sync is redelivered by its queue, as a job message is.
      if (!(error instanceof DialpadError)) throw error;
      this.pendingSyncs.push(message);
    }
    await this.model.observe();
  }

  /** A change made by hand in Dialpad's admin console; Dialpad sends its webhook event. */
  handEdit(email: string, edit: (user: FakeUser) => void): boolean {
    const user = this.dialpadUserOf(email);
    if (!user || user.state === "deleted") return false;
    const before = this.dialpadStates();
    edit(user);
    this.dialpadChanged(before, "hand");
    this.sendEvent(user.id);
    return true;
  }

  /**
   * Time passes, then the sweeper runs. Queues deliver within minutes, so before hours pass every
   * message and webhook event in flight is handled (a failing one until its last receive).
   */
  async sweep(advanceMs: number): Promise<void> {
    if (advanceMs > 0) await this.settle();
    this.s.clock.advance(advanceMs);
    await runSweep({ ...this.s.submit, people: this.s.people, requireApproval: false });
    await this.model.observe();
  }

  /** The next call of `method` fails: after Dialpad applied it (answer lost), before, or for good. */
  failNext(method: DialpadMethod, failure: Failure): void {
    if (failure === "rejected")
      this.s.dialpad.fail(method, {
        error: new DialpadError("rejected", `Dialpad refused ${method} (scripted)`, { status: 400 }),
      });
    else this.s.dialpad.fail(method, { applied: failure === "lost_answer" });
  }

  private sendEvent(userId: string): void {
    this.pendingSyncs.push({
      type: "user_sync",
      user_id: userId,
      event_id: `event-${++this.nextEvent}`,
      occurred_at: this.s.clock.now().toISOString(),
    });
  }

  private dialpadStates(): Map<string, string> {
    return new Map([...this.s.dialpad.users.values()].map((user) => [user.id, user.state]));
  }

  /** Dialpad sends an event for every state change, ours included; the model learns who made it. */
  private dialpadChanged(before: Map<string, string>, by: "ours" | "hand"): void {
    for (const user of this.s.dialpad.users.values()) {
      const was = before.get(user.id);
      if (was === user.state) continue;
      this.model.dialpadStateChanged(user.id, user.state, by);
      if (by === "ours") this.sendEvent(user.id);
    }
  }

  /**
   * The API's person store, which runs `betweenReadAndWrite` (once) before the first write a request
   * makes: what happens there happens after the request read the record and before it wrote.
   */
  betweenReadAndWrite: (() => Promise<void>) | undefined;

  private beforeApiWrites(people: PersonStore): PersonStore {
    return new Proxy(people, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        if (/^(get|find|list|open)/.test(String(property))) return value.bind(target);
        return async (...args: unknown[]) => {
          const between = this.betweenReadAndWrite;
          this.betweenReadAndWrite = undefined;
          await between?.();
          return value.apply(target, args);
        };
      },
    });
  }

  /** The fake Dialpad the worker uses, each change checked by the model before it is made. */
  private watched(dialpad: DialpadApi): DialpadApi {
    return new Proxy(dialpad, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        if (!CHANGES.has(String(property))) return value.bind(target);
        return async (...args: unknown[]) => {
          await this.model.beforeChange(String(property), args, this.runningJob);
          const answer = await value.apply(target, args);
          if (this.changesBeforeLostAnswer !== undefined && --this.changesBeforeLostAnswer === 0) {
            this.changesBeforeLostAnswer = undefined;
            throw new DialpadError("transient", `the answer to ${String(property)} was lost (scripted)`, {
              status: 503,
              ambiguous: true,
            });
          }
          return answer;
        };
      },
    });
  }
}
