/**
 * The worker message of an on-demand reconciliation: "run the report already created as running".
 * It travels on the bulk queue (a reconciliation is never urgent), told apart from job messages by `type`.
 */
import * as z from "zod";

export const reconcileMessage = z.object({
  type: z.literal("reconcile"),
  report_id: z.string().min(1).max(100),
});
export type ReconcileMessage = z.infer<typeof reconcileMessage>;

export interface ReconcileQueue {
  enqueue(message: ReconcileMessage): Promise<void>;
}
