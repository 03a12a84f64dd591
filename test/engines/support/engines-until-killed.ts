/**
 * What a test run and a bench run start, in a process of its own for engine-lifeline.test.ts to
 * kill: the vitest global setup's engine pair and the bench's sandbox process. Prints one line,
 * "ready", once they all run, then waits.
 */
import type { TestProject } from "vitest/node";
import { startSandboxProcess } from "../../../bench/support/sandbox-process";
import setup from "../../support/global-setup";

const project = { name: "lifeline", provide: () => undefined } as unknown as TestProject;
await setup(project);
await startSandboxProcess({});
console.log("ready");
setInterval(() => undefined, 60_000);
