/**
 * What the OS says about one process: its parent, its process group and its command line.
 * Reads /proc on Linux and asks `ps` elsewhere (macOS).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export interface ProcessEntry {
  ppid: number;
  pgid: number;
  /** The arguments the process was started with, joined by single spaces. */
  commandLine: string;
}

/**
 * The process `pid`, or undefined when there is none or only its zombie: a killed process can
 * linger as a zombie where PID 1 does not reap (containers), and it runs nothing any more.
 */
export function processEntry(pid: number): ProcessEntry | undefined {
  if (existsSync("/proc/self/stat")) {
    try {
      // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") return undefined;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .replace(/\0$/, "")
        .replaceAll("\0", " ");
      return { ppid: Number(ppid), pgid: Number(pgid), commandLine };
    } catch {
      return undefined; // gone, possibly between the two reads
    }
  }
  try {
    const line = execFileSync("ps", ["-o", "stat=,ppid=,pgid=,args=", "-p", String(pid)], {
      encoding: "utf8",
    });
    const match = /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line.trimEnd());
    if (!match || match[1]?.startsWith("Z")) return undefined;
    return { ppid: Number(match[2]), pgid: Number(match[3]), commandLine: match[4] ?? "" };
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
}
