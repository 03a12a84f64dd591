/**
 * For kill-hard.test.ts: starts `sleep` in a process group of its own, tied to this process as
 * local-instance.ts ties local mode, prints its pid, then waits to be killed.
 */
import { spawn } from "node:child_process";
import { killGroupWhenWeDie } from "./local-instance";

const group = spawn("sleep", ["600"], { stdio: "ignore", detached: true });
killGroupWhenWeDie(group);
console.log(`ready ${group.pid}`);
setInterval(() => undefined, 60_000);
