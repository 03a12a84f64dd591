/**
 * The worker message a webhook event turns into: "re-read this Dialpad user and bring our record in
 * line". It travels on the urgent queue next to job messages (`{job_id}`), told apart by `type`.
 */
import * as z from "zod";

export const userSyncMessage = z.object({
  type: z.literal("user_sync"),
  user_id: z.string().regex(/^\d+$/).max(30),
  event_id: z.string().min(1).max(100),
  /** When Dialpad says the change happened (the event's `date`), if it said. */
  occurred_at: z.iso.datetime().optional(),
});
export type UserSyncMessage = z.infer<typeof userSyncMessage>;

export interface UserSyncQueue {
  enqueue(message: UserSyncMessage, delaySeconds?: number): Promise<void>;
}
