/**
 * Delivers change-log events to every subscribed webhook, as Dialpad does: the whole HTTP body is
 * a compact JWS (HS256, the hook's secret) whose payload is the event; without a secret the body
 * is plain JSON. Delivery runs in the background (an API answer never waits for it), a 2xx counts
 * as delivered, only 5xx is retried (a few quick retries), anything else drops the event.
 */
import { SignJWT } from "jose";
import type { DialpadState } from "../domain/dialpad-state";
import type { UserChange, Webhook } from "../domain/model";

/** The change-log event as Dialpad documents it. */
export interface ChangeLogEvent {
  action: string;
  note: string;
  additional_data: Record<string, unknown>;
  target: { type: "user"; id: string };
  changed_by: { name: string; id: string; type: string };
  /** Unix ms. */
  date: number;
}

export interface WebhookDelivery {
  webhookId: string;
  hookUrl: string;
  action: string;
  targetId: string;
  attempts: number;
  /** Last HTTP status, or "network_error". */
  lastStatus?: number | "network_error";
  outcome: "pending" | "delivered" | "dropped" | "gave_up";
}

export interface DispatcherOptions {
  /** Waits before each retry of a 5xx; its length is the number of retries. */
  retryDelaysMs: number[];
  /** Dialpad counts a delivery that takes longer than 5 s as failed. */
  attemptTimeoutMs: number;
  logSize: number;
}

export function toChangeLogEvent(change: UserChange): ChangeLogEvent {
  return {
    action: change.action,
    note: change.note,
    additional_data: change.additionalData,
    target: { type: "user", id: change.userId },
    changed_by: { name: change.actor.name, id: change.actor.id, type: change.actor.type },
    date: change.date,
  };
}

export class ChangeLogDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly state: DialpadState,
    private readonly options: DispatcherOptions,
  ) {
    state.onUserChange((change) => this.dispatch(toChangeLogEvent(change)));
  }

  /** Starts one background delivery per subscribed webhook and returns at once. */
  dispatch(event: ChangeLogEvent): void {
    if (this.abort.signal.aborted) return;
    for (const webhook of this.state.changeLogTargets()) {
      const delivery: WebhookDelivery = {
        webhookId: webhook.id,
        hookUrl: webhook.hookUrl,
        action: event.action,
        targetId: event.target.id,
        attempts: 0,
        outcome: "pending",
      };
      this.deliveries.push(delivery);
      if (this.deliveries.length > this.options.logSize) this.deliveries.shift();
      const running = this.deliver(webhook, event, delivery).finally(() => this.inFlight.delete(running));
      this.inFlight.add(running);
    }
  }

  recentDeliveries(): WebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d }));
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private async deliver(webhook: Webhook, event: ChangeLogEvent, delivery: WebhookDelivery): Promise<void> {
    const { body, contentType } = await encode(webhook, event);
    const delays = [0, ...this.options.retryDelaysMs];
    for (const [attempt, delayMs] of delays.entries()) {
      if (delayMs > 0 && !(await this.wait(delayMs))) return;
      delivery.attempts = attempt + 1;
      try {
        const response = await fetch(webhook.hookUrl, {
          method: "POST",
          headers: { "content-type": contentType },
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.attemptTimeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        delivery.lastStatus = response.status;
        if (response.ok) {
          delivery.outcome = "delivered";
          return;
        }
        if (response.status < 500) {
          delivery.outcome = "dropped";
          return;
        }
      } catch {
        // Unreachable hook or timed-out attempt: Dialpad retries 5xx only, so the event is lost.
        delivery.lastStatus = "network_error";
        delivery.outcome = "dropped";
        return;
      }
    }
    delivery.outcome = "gave_up";
  }

  /** Waits unless the dispatcher stops first; answers whether to go on. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), ms);
      this.abort.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve(false);
        },
        { once: true },
      );
    });
  }
}

async function encode(
  webhook: Webhook,
  event: ChangeLogEvent,
): Promise<{ body: string; contentType: string }> {
  if (!webhook.secret) return { body: JSON.stringify(event), contentType: "application/json" };
  const jwt = await new SignJWT({ ...event })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(webhook.secret));
  return { body: jwt, contentType: "application/jwt" };
}
