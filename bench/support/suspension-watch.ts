/**
 * Times offboards as a person sees them: from the `POST /v1/offboard` to the user being suspended in
 * the sandbox, whose user states are polled every 10 ms (a state changes when the sandbox applies the
 * PATCH, before the answer's latency).
 */
import type { SandboxProcess } from "./sandbox-process";

export interface OffboardSample {
  email: string;
  /** 0 until posted. */
  postedAt: number;
  /** 0 until seen suspended. */
  suspendedAt: number;
}

const POLL_MS = 10;

/** Polls until stopped; a sample counts as suspended when the answer saying so arrives. */
export function watchSuspensions(sandbox: SandboxProcess, samples: readonly OffboardSample[]) {
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const open = samples.filter((sample) => sample.postedAt !== 0 && sample.suspendedAt === 0);
      if (open.length > 0) {
        const states = await sandbox.userStates(open.map((sample) => sample.email));
        const now = Date.now();
        for (const [i, sample] of open.entries()) if (states[i] === "suspended") sample.suspendedAt = now;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return {
    async stop(): Promise<void> {
      polling = false;
      await poller;
    },
  };
}
