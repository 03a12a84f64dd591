/**
 * Adapters of the `Job Finished` event port: EventBridge's default bus in AWS; in local mode a
 * recorder that keeps the latest events in memory and logs each one, since there is no bus there.
 */
import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { JOB_FINISHED_DETAIL_TYPE, JOB_FINISHED_SOURCE, type JobFinishedEvents, type JobView } from "./ports";

export class EventBridgeJobEvents implements JobFinishedEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(job: JobView): Promise<void> {
    const answer = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: JOB_FINISHED_SOURCE,
            DetailType: JOB_FINISHED_DETAIL_TYPE,
            Detail: JSON.stringify(job),
            Resources: [],
          },
        ],
      }),
    );
    // PutEvents answers 200 even when an entry failed: the entry says so.
    const failed = answer.Entries?.find((entry) => entry.ErrorCode);
    if ((answer.FailedEntryCount ?? 0) > 0 || failed)
      throw new Error(`EventBridge refused the Job Finished event (${failed?.ErrorCode ?? "unknown error"})`);
  }
}

export interface RecordedEvent {
  source: string;
  "detail-type": string;
  detail: JobView;
}

/** Local mode and tests: the last `capacity` events, newest last. */
export class RecordingJobEvents implements JobFinishedEvents {
  readonly events: RecordedEvent[] = [];

  constructor(
    private readonly onEvent: (event: RecordedEvent) => void = () => undefined,
    private readonly capacity = 1000,
  ) {}

  async publish(job: JobView): Promise<void> {
    const event = { source: JOB_FINISHED_SOURCE, "detail-type": JOB_FINISHED_DETAIL_TYPE, detail: job };
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.shift();
    this.onEvent(event);
  }
}
